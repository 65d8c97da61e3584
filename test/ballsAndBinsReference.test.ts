/**
 * Balls-and-bins Monte Carlo against test/fixtures/bnb.json (the authors' code, dpsgd_batch_sampler_accounting,
 * sigma = 0.35, T = 1000, one epoch, remove direction; importance sampling with n = 1e5 and order statistics with
 * n = 5e5, upper confidence bounds at failure probability 0.01).
 *
 * To keep the file fast we sample fewer points (n = 2e4 and 5e4) and widen the tolerance honestly: the reference
 * mean must lie within our own two-sided KL interval at failure probability 0.001 per side, widened by the
 * reference's own one-sided 99% half-width (its ucb - mean). Both estimates are random, so a fixed seed makes the
 * outcome reproducible; the seed was not tuned.
 */
import { reference } from './helpers/reference.js';
import { ballsAndBinsDelta, ballsAndBinsDirectionDelta, type DirectionEstimate } from '../accountants/ballsAndBins/index.js';
import { klLowerConfidenceBound, klUpperConfidenceBound } from '../accountants/ballsAndBins/klBound.js';

const bnb = reference('bnb.json');
const setting = bnb.delta_at_epsilon.setting as { sigma: number; steps_per_epoch: number; epochs: number };
const rows = bnb.delta_at_epsilon.rows as Array<Record<string, number>>;
const row = (epsilon: number) => rows.find((r) => r.epsilon === epsilon) as Record<string, number>;

/** Two-sided KL interval of an estimate at failure probability beta per side (terms scaled by the region mass). */
function interval(e: DirectionEstimate, samples: number, beta: number): [number, number] {
  const rate = e.regionMass > 0 ? Math.min(1, e.mean / e.regionMass) : 0;
  return [
    e.regionMass * klLowerConfidenceBound({ mean: rate, samples, failureProbability: beta }),
    e.regionMass * klUpperConfidenceBound({ mean: rate, samples, failureProbability: beta }),
  ];
}

const common = {
  noiseMultiplier: setting.sigma,
  stepsPerEpoch: setting.steps_per_epoch,
  epochs: setting.epochs,
  seed: 1,
  confidence: 0.99,
  workers: 0, // ts-jest runs the sources; worker threads need the compiled build (see ballsAndBinsWorkers.test.ts)
};

describe('importance sampling, remove direction, n = 2e4 (reference n = 1e5)', () => {
  const epsilons = [1, 4, 8, 10];
  const samples = 20000;
  let estimates: readonly DirectionEstimate[];
  beforeAll(async () => {
    estimates = (await ballsAndBinsDirectionDelta({ ...common, method: 'importance', direction: 'remove', epsilons, samples })).estimates;
  });

  test.each(epsilons)('eps = %p: reference mean inside our interval widened by the reference half-width', (epsilon) => {
    const e = estimates[epsilons.indexOf(epsilon)];
    const r = row(epsilon);
    const [lo, hi] = interval(e, samples, 0.001);
    const width = r.bnb_is_ucb_remove - r.bnb_is_mean_remove;
    expect(r.bnb_is_mean_remove).toBeGreaterThanOrEqual(lo - width);
    expect(r.bnb_is_mean_remove).toBeLessThanOrEqual(hi + width);
    expect(e.hits).toBeGreaterThan(0);
  });

  test.each(epsilons)('eps = %p: the 99%% upper confidence bound is not below the certified lower bound bnb_lower', (epsilon) => {
    expect(estimates[epsilons.indexOf(epsilon)].ucb).toBeGreaterThanOrEqual(row(epsilon).bnb_lower);
  });
});

describe('order statistics, remove direction, n = 5e4 (reference n = 5e5, same ranks)', () => {
  const epsilons = [1, 4, 8];
  const samples = 50000;
  let estimates: readonly DirectionEstimate[];
  beforeAll(async () => {
    // default ranks = the reference's: 1..99, 100..490 step 10, 500..950 step 50
    estimates = (await ballsAndBinsDirectionDelta({ ...common, method: 'order-statistics', direction: 'remove', epsilons, samples }))
      .estimates;
  });

  test.each(epsilons)('eps = %p: reference mean inside our interval widened by the reference half-width', (epsilon) => {
    const e = estimates[epsilons.indexOf(epsilon)];
    const r = row(epsilon);
    const [lo, hi] = interval(e, samples, 0.001);
    const width = r.bnb_os_ucb_remove - r.bnb_os_mean_remove;
    expect(r.bnb_os_mean_remove).toBeGreaterThanOrEqual(lo - width);
    expect(r.bnb_os_mean_remove).toBeLessThanOrEqual(hi + width);
  });

  test.each(epsilons)('eps = %p: upper confidence bound not below bnb_lower', (epsilon) => {
    expect(estimates[epsilons.indexOf(epsilon)].ucb).toBeGreaterThanOrEqual(row(epsilon).bnb_lower);
  });
});

test('the lower field is the max-statistic bound: never below bnb_lower, at most 2e-3 relative above it', async () => {
  // bnb_lower searched thresholds on the authors' 0.01 grid (maxStatistic with AUTHORS_THRESHOLD_GRID reproduces it
  // to 6 digits); the default continuous search finds better thresholds and a larger, still valid, bound:
  // up to 1.6e-3 relative larger in this table (eps = 8)
  const epsilons = rows.map((r) => r.epsilon);
  const result = await ballsAndBinsDelta({ ...common, epsilons, samples: 64 });
  for (const e of result.estimates) {
    const want = row(e.epsilon).bnb_lower;
    expect(e.lower).toBeGreaterThanOrEqual(want * (1 - 5e-6)); // reference printed to 6 digits
    expect(e.lower).toBeLessThanOrEqual(want * (1 + 2e-3));
  }
});
