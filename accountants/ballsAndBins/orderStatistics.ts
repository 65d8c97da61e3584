/**
 * The order-statistics estimator (BNB): an upper-biased estimate of delta for any number of epochs that draws only
 * a few ranked coordinates per epoch instead of all T.
 *
 * For ranks k_1 = 1 < k_2 < ... < k_R, the sum over the coordinates ranked k_j .. k_{j+1} - 1 (descending) of
 * e^(x/sigma^2) is at most (k_{j+1} - k_j) e^(Y_(k_j)/sigma^2) and at least (k_j - k_{j-1}) e^(Y_(k_j)/sigma^2)
 * for the block k_{j-1} + 1 .. k_j. So
 * - remove (loss increasing in every coordinate): x_1 ~ N(1, sigma^2) exactly, and the T - 1 others bounded above
 *   with weights (k_{j+1} - k_j), k_{R+1} = T; ranks must start at 1 and end at most T - 1;
 * - add (loss decreasing in every coordinate): all T coordinates bounded below with weights (k_j - k_{j-1}), k_0 = 0;
 *   ranks at most T.
 * Either way the sampled loss is never below the true loss of the same draw, and (1 - e^(eps - loss))_+ increases
 * with the loss, so the estimate is biased upwards only. With all ranks 1..T-1 (remove) or 1..T (add) it is exact.
 *
 * The ranked values are drawn exactly: if V_(k) is the k-th smallest of d i.i.d. uniforms then, with exponential
 * spacings, V_(k) = S_k / S_(d+1) where S_m is a sum of m standard exponentials. Only the increments are needed:
 * G_j = S_(k_j) - S_(k_(j-1)) ~ Gamma(k_j - k_(j-1)) and S_(d+1) - S_(k_R) ~ Gamma(d + 1 - k_R). The k-th largest of
 * d standard normals is then Phibar^{-1}(V_(k)), inverted in whichever tail keeps precision (1 - V_(k) is formed as
 * a sum of the later increments, never by subtraction). This replaces the Beta-product recursion of the authors'
 * code with an equivalent representation that keeps full relative accuracy for tiny V.
 */
import { lossOffset } from './dominatingPair.js';
import type { HockeyStickAccumulator } from './accumulator.js';
import { expNonPositive } from '../../src/numeric/fastExp.js';
import { normalQuantile } from '../../src/numeric/normalQuantile.js';
import type { Xoshiro128 } from '../../src/numeric/rng.js';
import { standardGamma, standardNormal } from '../../src/numeric/variates.js';

// Math functions are bound once here: under jest (a vm context) every global lookup such as `Math` costs about
// a microsecond, which made the sampling loops tens of times slower in tests. Same functions, same results.
const { log } = Math;

export interface OrderStatisticsSetting {
  readonly direction: 'remove' | 'add';
  readonly noiseMultiplier: number;
  readonly steps: number;
  readonly epochs: number;
  /** ascending ranks (1 = largest); see validateRanks */
  readonly ranks: readonly number[];
}

/**
 * Default ranks up to maxRank: every rank below 100, then steps of 10 below 500, of 50 below 1000 (the ranks used
 * for the BNB authors' settings in test/fixtures/bnb.json at T = 1000), then steps of 5% of the rank.
 *
 * The upward bias comes from the blocks between ranks, so it matters where the bulk of the coordinates dominates
 * the sum (large T with large sigma, where the loss itself is small): at T = 1e5, sigma = 2, eps = 0.001 these
 * ranks give a delta estimate near 0.023 where importance sampling gives about 3e-4. Finer ranks, or importance
 * sampling for one epoch (what 'auto' picks), avoid that.
 */
export function defaultRanks(maxRank: number): number[] {
  const ranks: number[] = [];
  let r = 1;
  while (r <= maxRank) {
    ranks.push(r);
    r += r < 100 ? 1 : r < 500 ? 10 : r < 1000 ? 50 : Math.floor(r / 20);
  }
  return ranks;
}

/** Throws a RangeError naming the rule a rank list breaks; returns nothing when the list is usable. */
export function validateRanks(o: {
  readonly direction: 'remove' | 'add';
  readonly steps: number;
  readonly ranks: readonly number[];
}): void {
  const maxRank = o.direction === 'remove' ? o.steps - 1 : o.steps;
  const r = o.ranks;
  if (o.direction === 'remove' && o.steps === 1) {
    if (r.length !== 0) throw new RangeError('with one step the remove direction has no other coordinates to rank');
    return;
  }
  if (r.length === 0) throw new RangeError('at least one rank is needed');
  if (o.direction === 'remove' && r[0] !== 1) throw new RangeError('remove ranks must start at 1');
  for (let j = 0; j < r.length; j++) {
    if (!Number.isInteger(r[j]) || r[j] < 1 || r[j] > maxRank) throw new RangeError(`ranks must be integers in [1, ${maxRank}]`);
    if (j > 0 && !(r[j] > r[j - 1])) throw new RangeError('ranks must be strictly increasing');
  }
}

/**
 * Sampler of the ranked values (descending: rank 1 = largest) of `population` i.i.d. standard normals at the given
 * ascending ranks, by exponential spacings (module comment). Writes them to out[0..ranks.length).
 */
export function rankedNormalsSampler(o: {
  readonly population: number;
  readonly ranks: readonly number[];
}): (rng: Xoshiro128, out: Float64Array) => void {
  const count = o.ranks.length;
  const shapes = new Float64Array(count);
  for (let j = 0; j < count; j++) shapes[j] = o.ranks[j] - (j === 0 ? 0 : o.ranks[j - 1]);
  const tailShape = count === 0 ? 0 : o.population + 1 - o.ranks[count - 1];
  const increments = new Float64Array(count);
  return (rng: Xoshiro128, out: Float64Array): void => {
    if (count === 0) return;
    for (let j = 0; j < count; j++) increments[j] = standardGamma(rng, shapes[j]);
    let above = standardGamma(rng, tailShape); // S_(d+1) - S_(k_j), built from the end
    let total = above;
    for (let j = 0; j < count; j++) total += increments[j];
    // out[j] first holds S_(d+1) - S_(k_j) (a suffix sum), so 1 - V_(k_j) needs no subtraction
    for (let j = count - 1; j >= 0; j--) {
      out[j] = above;
      above += increments[j];
    }
    let below = 0; // S_(k_j)
    for (let j = 0; j < count; j++) {
      below += increments[j];
      const upperTail = below / total; // V_(k_j): P(a normal exceeds the k_j-th largest)
      out[j] = upperTail <= 0.5 ? -normalQuantile(upperTail) : normalQuantile(out[j] / total);
    }
  };
}

/** Returns a function that draws `count` samples of the (upper-biased) composed loss and feeds them to `acc`. */
export function orderStatisticsSampler(o: OrderStatisticsSetting): (rng: Xoshiro128, count: number, acc: HockeyStickAccumulator) => void {
  validateRanks(o);
  const remove = o.direction === 'remove';
  const steps = o.steps;
  const epochs = o.epochs;
  const invSigma = 1 / o.noiseMultiplier;
  const shift = invSigma * invSigma;
  const constant = lossOffset(o.noiseMultiplier, steps);
  const count = o.ranks.length;
  const others = remove ? steps - 1 : steps; // how many coordinates are ranked
  const weights = new Float64Array(count);
  for (let j = 0; j < count; j++) {
    const k = o.ranks[j];
    weights[j] = remove ? (j + 1 < count ? o.ranks[j + 1] : steps) - k : k - (j === 0 ? 0 : o.ranks[j - 1]);
  }
  const exponents = new Float64Array(count);
  const drawRanked = rankedNormalsSampler({ population: others, ranks: o.ranks });
  const fill = (rng: Xoshiro128): void => {
    drawRanked(rng, exponents);
    for (let j = 0; j < count; j++) exponents[j] *= invSigma; // Y_(k_j) / sigma^2 in standardized units
  };

  return (rng: Xoshiro128, samples: number, acc: HockeyStickAccumulator): void => {
    for (let i = 0; i < samples; i++) {
      let loss = 0;
      for (let e = 0; e < epochs; e++) {
        if (remove) {
          const first = standardNormal(rng) * invSigma + shift;
          if (count === 0) {
            loss += first - constant;
            continue;
          }
          fill(rng);
          const offset = first > exponents[0] ? first : exponents[0];
          let sum = expNonPositive(first - offset);
          for (let j = 0; j < count; j++) sum += weights[j] * expNonPositive(exponents[j] - offset);
          loss += offset + log(sum) - constant;
        } else {
          fill(rng);
          const offset = exponents[0];
          let sum = 0;
          for (let j = 0; j < count; j++) sum += weights[j] * expNonPositive(exponents[j] - offset);
          loss += constant - (offset + log(sum));
        }
      }
      acc.add(loss);
    }
  };
}
