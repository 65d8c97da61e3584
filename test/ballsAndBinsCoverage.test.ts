/**
 * Statistical coverage of the Monte Carlo upper confidence bounds on cases with a known answer.
 *
 * K independent seeds each give an upper bound at confidence 0.9; each bound fails to cover the true delta with
 * probability at most 0.1, so the number of failures is stochastically below Binomial(K, 0.1). We require it to be
 * at most that binomial's 0.999 quantile, and the average of the K means to be within 4 standard errors of the
 * truth (both estimators are unbiased in these cases). The seeds are fixed, so the outcome is reproducible.
 * (Observed when written: 0 to 1 failures out of 200 per case, far below the nominal 10%: the Bernoulli KL bound is
 * conservative for continuous [0, 1] terms, whose variance is below the Bernoulli's.)
 *
 * Known answers:
 * - T = 1: balls-and-bins is the plain Gaussian; E epochs are the Gaussian with sigma/sqrt(E) (Balle & Wang 2018,
 *   accountants/deterministic.ts).
 * - T = 2, sigma = 0.5, one epoch: the two-dimensional integral E[(1 - e^(eps - L))_+], by nested adaptive
 *   quadrature (scipy.integrate.quad with the kink L = eps as a breakpoint, estimated error below 4e-12).
 */
import { ballsAndBinsDirectionDelta, type BallsAndBinsMethod } from '../accountants/ballsAndBins/index.js';
import { analyticGaussianDelta } from '../accountants/deterministic.js';

const SEEDS = 200;
const SAMPLES = 400;
const CONFIDENCE = 0.9;

/** Smallest q with P(Binomial(k, p) > q) <= alpha. */
function binomialUpperQuantile(k: number, p: number, alpha: number): number {
  let term = Math.pow(1 - p, k);
  let cdf = term;
  for (let q = 0; q < k; q++) {
    if (1 - cdf <= alpha) return q;
    term *= ((k - q) / (q + 1)) * (p / (1 - p));
    cdf += term;
  }
  return k;
}

interface Case {
  readonly name: string;
  readonly method: BallsAndBinsMethod;
  readonly sigma: number;
  readonly steps: number;
  readonly epochs: number;
  readonly ranks?: readonly number[];
  readonly epsilons: readonly number[];
  /** truth[direction][i] for epsilons[i] */
  readonly truth: { readonly remove: readonly number[]; readonly add: readonly number[] };
}

const gaussian = (sigma: number, epsilons: readonly number[]) =>
  epsilons.map((epsilon) => analyticGaussianDelta({ noiseMultiplier: sigma, epsilon }));
// scipy quad values, T = 2, sigma = 0.5 (see the header)
const T2 = { remove: [0.40457750037782986, 0.23232134345905228], add: [0.38033919439738356, 0.18644914838819288] };

const cases: Case[] = [
  {
    name: 'T = 1, importance',
    method: 'importance',
    sigma: 1,
    steps: 1,
    epochs: 1,
    epsilons: [0.5, 1.5],
    truth: { remove: gaussian(1, [0.5, 1.5]), add: gaussian(1, [0.5, 1.5]) },
  },
  {
    name: 'T = 1, 4 epochs, order statistics',
    method: 'order-statistics',
    sigma: 2,
    steps: 1,
    epochs: 4,
    epsilons: [0.5, 1.5],
    truth: { remove: gaussian(1, [0.5, 1.5]), add: gaussian(1, [0.5, 1.5]) },
  },
  { name: 'T = 2, importance', method: 'importance', sigma: 0.5, steps: 2, epochs: 1, epsilons: [1, 2], truth: T2 },
  // all ranks: the order-statistics estimator is then exact (unbiased)
  {
    name: 'T = 2, order statistics with all ranks',
    method: 'order-statistics',
    sigma: 0.5,
    steps: 2,
    epochs: 1,
    ranks: [1, 2],
    epsilons: [1, 2],
    truth: T2,
  },
];

describe.each(cases)('$name', (c) => {
  test.each(['remove', 'add'] as const)('%s: coverage of the 90%% upper bound over 200 seeds; unbiased means', async (direction) => {
    const failures = c.epsilons.map(() => 0);
    const means = c.epsilons.map(() => [] as number[]);
    for (let k = 0; k < SEEDS; k++) {
      const r = await ballsAndBinsDirectionDelta({
        noiseMultiplier: c.sigma,
        stepsPerEpoch: c.steps,
        epochs: c.epochs,
        epsilons: c.epsilons,
        samples: SAMPLES,
        seed: 1000 + k,
        confidence: CONFIDENCE,
        method: c.method,
        direction,
        workers: 0,
        ...(c.ranks ? { ranks: c.ranks } : {}),
      });
      r.estimates.forEach((e, i) => {
        if (e.ucb < c.truth[direction][i]) failures[i]++;
        means[i].push(e.mean);
      });
    }
    const allowed = binomialUpperQuantile(SEEDS, 1 - CONFIDENCE, 1e-3);
    c.epsilons.forEach((_, i) => {
      expect(failures[i]).toBeLessThanOrEqual(allowed);
      const m = means[i].reduce((s, x) => s + x, 0) / SEEDS;
      const sd = Math.sqrt(means[i].reduce((s, x) => s + (x - m) ** 2, 0) / (SEEDS - 1));
      expect(Math.abs(m - c.truth[direction][i])).toBeLessThan((4 * sd) / Math.sqrt(SEEDS));
    });
  });
});

test('the binomial quantile helper: Binomial(200, 0.1) exceeds 34 with probability below 1e-3', () => {
  // scipy.stats.binom.sf: P(X > 33) = 1.54e-3, P(X > 34) = 7.84e-4
  expect(binomialUpperQuantile(200, 0.1, 1e-3)).toBe(34);
});
