/**
 * The balls-and-bins Monte Carlo API: determinism, input checking, the resolution flags and suggestions, the eps
 * search, progress reporting, and the skipping of directions certified to be smaller.
 */
import { ballsAndBinsDelta, ballsAndBinsDirectionDelta, ballsAndBinsEpsilon } from '../accountants/ballsAndBins/index.js';
import { klUpperConfidenceBound } from '../accountants/ballsAndBins/klBound.js';
import { analyticGaussianEpsilon } from '../accountants/deterministic.js';
import { InputError } from '../src/errors.js';

// ts-jest runs the TypeScript sources, so everything here runs in this thread (workers: 0); the worker-thread path
// is checked against this one in ballsAndBinsWorkers.test.ts on the compiled build
const small = { noiseMultiplier: 1, stepsPerEpoch: 10, epochs: 1, seed: 7, workers: 0 } as const;

describe('determinism', () => {
  test('the same seed gives the same numbers; another seed other numbers', async () => {
    const o = { ...small, epsilons: [0.5, 1], samples: 3000 };
    const a = await ballsAndBinsDelta(o);
    const b = await ballsAndBinsDelta(o);
    const c = await ballsAndBinsDelta({ ...o, seed: 8 });
    expect(b.estimates).toEqual(a.estimates);
    expect(c.estimates[0].remove.mean).not.toBe(a.estimates[0].remove.mean);
  });

  test('an eps is estimated from the same samples whatever other eps are asked (order statistics)', async () => {
    const o = { ...small, epochs: 2, samples: 2000 };
    const one = await ballsAndBinsDelta({ ...o, epsilons: [1] });
    const three = await ballsAndBinsDelta({ ...o, epsilons: [2, 1, 0.5] });
    expect(three.estimates[1].remove).toEqual(one.estimates[0].remove);
    expect(three.estimates.map((e) => e.epsilon)).toEqual([2, 1, 0.5]); // order of the request
  });

  test('means decrease in eps with shared samples, and every ucb is at least its mean', async () => {
    const r = await ballsAndBinsDelta({ ...small, epochs: 3, epsilons: [0.25, 0.5, 1, 2], samples: 4000 });
    for (let i = 1; i < r.estimates.length; i++) {
      expect(r.estimates[i].remove.mean).toBeLessThanOrEqual(r.estimates[i - 1].remove.mean);
      expect(r.estimates[i].ucb).toBeLessThanOrEqual(r.estimates[i - 1].ucb);
    }
    for (const e of r.estimates) {
      expect(e.ucb).toBeGreaterThanOrEqual(e.mean);
      expect(e.kind).toBe('estimate');
      expect(e.mean).toBe(Math.max(e.remove.mean, e.add.mean));
      expect(e.ucb).toBe(Math.max(e.remove.ucb, e.add.ucb));
    }
  });
});

describe('input checking', () => {
  const ok = { ...small, epsilons: [1], samples: 100 };
  test.each([
    ['noiseMultiplier', { noiseMultiplier: -1 }],
    ['stepsPerEpoch', { stepsPerEpoch: 2.5 }],
    ['epochs', { epochs: 0 }],
    ['samples', { samples: 0 }],
    ['seed', { seed: -3 }],
    ['confidence', { confidence: 1 }],
    ['epsilons', { epsilons: [] }],
    ['epsilons', { epsilons: [Number.NaN] }],
    ['method', { method: 'importance', epochs: 2 }],
    ['ranks', { method: 'order-statistics', ranks: [2, 3] }],
    ['workers', { workers: -1 }],
  ])('%s is checked', async (field, change) => {
    const call = ballsAndBinsDelta({ ...ok, ...(change as object) });
    await expect(call).rejects.toThrow(InputError);
    await expect(ballsAndBinsDelta({ ...ok, ...(change as object) })).rejects.toMatchObject({ field });
  });

  test('delta must be in (0, 1)', async () => {
    await expect(ballsAndBinsEpsilon({ ...small, samples: 100, delta: 0 })).rejects.toMatchObject({ field: 'delta' });
  });
});

describe('resolution', () => {
  test('enough hits: resolved, no suggestion', async () => {
    const e = (await ballsAndBinsDelta({ ...small, epsilons: [0.5], samples: 20000 })).estimates[0];
    expect(e.resolved).toBe(true);
    expect(e.suggestedSamples).toBeUndefined();
    expect(e.ucb).toBeLessThanOrEqual(2 * e.mean);
  });

  test('no hits: not resolved, and the suggestion would resolve a delta the size of the lower bound', async () => {
    const samples = 500;
    const e = (await ballsAndBinsDelta({ ...small, epsilons: [5], samples })).estimates[0];
    expect(e.mean).toBe(0);
    expect(e.resolved).toBe(false);
    expect(e.lower).toBeGreaterThan(0);
    expect(e.suggestedSamples).toBeGreaterThan(samples);
    // at the suggested count, a per-sample rate equal to the lower bound (scaled by the region mass) resolves
    const s = e.remove.regionMass;
    const n = e.suggestedSamples as number;
    expect(klUpperConfidenceBound({ mean: e.lower / s, samples: n, failureProbability: 0.01 }) * s).toBeLessThanOrEqual(2 * e.lower);
  });

  test('a direction certified smaller is not sampled: its ucb is its region mass, below the lower bound', async () => {
    const e = (
      await ballsAndBinsDelta({ noiseMultiplier: 0.35, stepsPerEpoch: 1000, epochs: 1, epsilons: [6], samples: 64, seed: 1, workers: 0 })
    ).estimates[0];
    expect(e.add.sampled).toBe(false);
    expect(e.add.ucb).toBe(e.add.regionMass);
    expect(e.add.ucb).toBeLessThanOrEqual(e.lower);
    expect(e.remove.sampled).toBe(true);
  });
});

describe('eps for a target delta', () => {
  test('resolved: between the certified bounds, and the upper confidence bound there is at most delta', async () => {
    const r = await ballsAndBinsEpsilon({ ...small, delta: 1e-3, samples: 20000 });
    expect(r.resolved).toBe(true);
    expect(r.epsilon).not.toBeNull();
    const eps = r.epsilon as number;
    expect(eps).toBeGreaterThanOrEqual(r.lower);
    expect(eps).toBeLessThanOrEqual(r.upper);
    expect(r.at.ucb).toBeLessThanOrEqual(1e-3);
    expect(r.at.remove.hits).toBeGreaterThan(0);
    // the certified upper bound is the deterministic-batch Gaussian (or better)
    expect(r.upper).toBeLessThanOrEqual(analyticGaussianEpsilon({ noiseMultiplier: 1, delta: 1e-3 }).upper);
    // the point estimate is not above the conservative one
    expect(r.meanEpsilon as number).toBeLessThanOrEqual(eps);
  });

  test('unresolved: null epsilon, a reason and a sample count of about ln(1/beta) / delta or more', async () => {
    const r = await ballsAndBinsEpsilon({ ...small, delta: 1e-8, samples: 2000 });
    expect(r.resolved).toBe(false);
    expect(r.epsilon).toBeNull();
    expect(r.reason).toMatch(/sampl/);
    // with the importance region of mass s, about s ln(1/beta) / delta samples are needed even with zero hits
    expect(r.suggestedSamples as number).toBeGreaterThan((r.at.remove.regionMass * Math.log(100)) / 1e-8 / 2);
  });

  test('progress reaches the total and never goes back', async () => {
    const seen: Array<[number, number]> = [];
    await ballsAndBinsEpsilon({ ...small, delta: 1e-2, samples: 3000, onProgress: (done, total) => seen.push([done, total]) });
    expect(seen.length).toBeGreaterThan(2);
    for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThanOrEqual(seen[i - 1][0]);
    const [done, total] = seen[seen.length - 1];
    expect(done).toBe(total);
  });
});

test('per-direction estimates agree with the combined call (same streams)', async () => {
  const o = { ...small, epsilons: [0.5, 1], samples: 3000 };
  const both = await ballsAndBinsDelta(o);
  const remove = await ballsAndBinsDirectionDelta({ ...o, direction: 'remove' });
  expect(remove.estimates[0]).toEqual(both.estimates[0].remove);
});
