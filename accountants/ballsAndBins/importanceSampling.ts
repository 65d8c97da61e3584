/**
 * Importance sampling for one epoch (BNB section on Monte Carlo estimation): sample only the region where the loss
 * can exceed the smallest eps of the job, and scale by the region's exact probability.
 *
 * remove: z ~ N(0, I) (standardized) conditioned on max_t z_t >= c. Drawn exactly as: the maximum M from its
 * conditional law (inversion of P(max >= m) = 1 - (1 - Phibar(m))^T restricted to m >= c); the coordinate holding
 * the maximum uniform among the T (it is the shifted coordinate 1 with probability 1/T); the other coordinates
 * i.i.d. N(0, 1) conditioned on <= M. Then x = sigma z + e_1.
 * add: x/sigma ~ N(0, I) conditioned on max_t <= c: T i.i.d. normals truncated above at c.
 *
 * Each sample costs T truncated normals and T exponentials; nothing is allocated per sample.
 */
import { addThreshold, lossOffset, maxAtLeastProbability, maxAtMostProbability, removeThreshold } from './dominatingPair.js';
import type { HockeyStickAccumulator } from './accumulator.js';
import { expNonPositive } from '../../src/numeric/fastExp.js';
import { normalQuantile } from '../../src/numeric/normalQuantile.js';
import type { Xoshiro128 } from '../../src/numeric/rng.js';
import { TruncatedAboveNormal } from '../../src/numeric/variates.js';

// Math functions are bound once here: under jest (a vm context) every global lookup such as `Math` costs about
// a microsecond, which made the sampling loops tens of times slower in tests. Same functions, same results.
const { expm1, exp, log, log1p } = Math;

const NEGATIVE_INFINITY = -1 / 0;

export interface ImportanceSetting {
  readonly direction: 'remove' | 'add';
  readonly noiseMultiplier: number;
  readonly steps: number;
  /** the region is the one for this eps; estimates are valid for every eps >= it */
  readonly thresholdEpsilon: number;
}

/** Exact probability of the sampled region (a certified upper bound on delta for every eps >= thresholdEpsilon). */
export function importanceRegionMass(o: ImportanceSetting): number {
  const t = { noiseMultiplier: o.noiseMultiplier, steps: o.steps, epsilon: o.thresholdEpsilon };
  return o.direction === 'remove' ? maxAtLeastProbability(removeThreshold(t), o.steps) : maxAtMostProbability(addThreshold(t), o.steps);
}

/** Returns a function that draws `count` conditional samples from `rng` and feeds their losses to `acc`. */
export function importanceSampler(o: ImportanceSetting): (rng: Xoshiro128, count: number, acc: HockeyStickAccumulator) => void {
  const t = { noiseMultiplier: o.noiseMultiplier, steps: o.steps, epsilon: o.thresholdEpsilon };
  return o.direction === 'remove' ? removeSampler(o, removeThreshold(t)) : addSampler(o, addThreshold(t));
}

function removeSampler(o: ImportanceSetting, threshold: number) {
  const steps = o.steps;
  const invSigma = 1 / o.noiseMultiplier;
  const shift = invSigma * invSigma; // e_1 adds 1/sigma^2 to coordinate 1's exponent x_1/sigma^2
  const constant = lossOffset(o.noiseMultiplier, steps);
  const regionMass = maxAtLeastProbability(threshold, steps);
  const truncated = new TruncatedAboveNormal(0);
  const values = new Float64Array(steps);
  return (rng: Xoshiro128, count: number, acc: HockeyStickAccumulator): void => {
    for (let i = 0; i < count; i++) {
      // maximum: P(max >= m | max >= c) = U  <=>  (1 - Phibar(m))^T = 1 - U * regionMass
      const logBelow = log1p(-rng.nextOpen() * regionMass) / steps; // ln P(one coordinate < m)
      const tail = -expm1(logBelow);
      const max = tail <= 0.5 ? -normalQuantile(tail) : normalQuantile(exp(logBelow));
      truncated.setBound(max);
      const maxExponent = max * invSigma;
      let first: number;
      let offset: number;
      let sum: number;
      let others: number;
      if (rng.nextOpen() * steps < 1) {
        // the maximum is coordinate 1
        first = maxExponent + shift;
        offset = first;
        sum = 1;
        others = steps - 1;
      } else {
        first = truncated.sample(rng) * invSigma + shift;
        offset = first > maxExponent ? first : maxExponent;
        sum = expNonPositive(first - offset) + expNonPositive(maxExponent - offset);
        others = steps - 2;
      }
      truncated.fill(rng, values, others);
      for (let t = 0; t < others; t++) sum += expNonPositive(values[t] * invSigma - offset);
      acc.add(offset + log(sum) - constant);
    }
  };
}

function addSampler(o: ImportanceSetting, threshold: number) {
  const steps = o.steps;
  const invSigma = 1 / o.noiseMultiplier;
  const constant = lossOffset(o.noiseMultiplier, steps);
  const truncated = new TruncatedAboveNormal(threshold);
  const values = new Float64Array(steps);
  return (rng: Xoshiro128, count: number, acc: HockeyStickAccumulator): void => {
    for (let i = 0; i < count; i++) {
      truncated.fill(rng, values, steps);
      let top = NEGATIVE_INFINITY;
      for (let t = 0; t < steps; t++) if (values[t] > top) top = values[t];
      top *= invSigma;
      let sum = 0;
      for (let t = 0; t < steps; t++) sum += expNonPositive(values[t] * invSigma - top);
      acc.add(constant - (top + log(sum)));
    }
  };
}
