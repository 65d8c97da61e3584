/**
 * Truncated Poisson sampling (arXiv 2508.15089; dp_accounting's TruncatedSubsampledGaussianDpEvent): the
 * overflow weights against scipy, the composed figure against dp_accounting's rows of events.json, and its
 * behaviour beside plain Poisson sampling at the same expected batch.
 */
import { reference } from './helpers/reference.js';
import { pldAccountant, pldEpsilon } from '../accountants/pld.js';
import { truncationWeights } from '../accountants/truncatedPoisson.js';
import type { Stage } from '../src/mechanism.js';

const rows: any[] = reference('events.json').rows.filter((r: any) => r.kind === 'truncated_subsampled_gaussian');

/**
 * [n, q, B, t, r]: t = P(Binomial(n - 1, q) >= B) = stats.binom.sf(B - 1, n - 1, q) and
 * r = stats.binom.sf(B, n, q) * B / (t n), from scipy 1.17.1 (run outside the project, /work/oracle).
 */
const SCIPY: ReadonlyArray<readonly [number, number, number, number, number]> = [
  [100000, 0.00256, 307, 0.0010539735177640644, 0.0025174046898695786],
  [200000, 0.01024, 2355, 1.4345822149152301e-11, 0.010208364313104581],
  [10000, 0.01, 110, 0.16913600235407092, 0.009492717181657217],
  [12695312500, 518000 / 12695312500, 523038, 1.3911437020902333e-12, 4.079466542432571e-5],
];

const stage = (q: number, n: number, B: number | undefined, steps: number, sigma = 1): Stage => ({
  mechanism: { kind: 'gaussian', noiseMultiplier: sigma },
  poissonRate: q,
  ...(B !== undefined ? { truncation: { datasetSize: n, maxBatchSize: B } } : {}),
  steps,
});

test.each(SCIPY.map((c) => [c[0], c[2], c]))('overflow probability and conditional rate, n = %d, B = %d (scipy)', (_n, _b, c) => {
  const [n, q, B, t, r] = c as readonly number[];
  const w = truncationWeights(q, n, B);
  // never below the true value (rounded up by 1e-9 against the user), and within 1e-8 of it
  expect(w.overflow).toBeGreaterThanOrEqual(t);
  expect(w.overflow / t - 1).toBeLessThan(1e-8);
  expect(w.conditionalRate).toBeGreaterThanOrEqual(r);
  expect(w.conditionalRate / r - 1).toBeLessThan(1e-8);
});

test('the overflow probability of events.json rows (dp_accounting/scipy) is reproduced', () => {
  for (const r of rows) {
    const e = r.event;
    const w = truncationWeights(e.sampling_probability, e.dataset_size, e.truncated_batch_size);
    expect(Math.abs(w.overflow / r.truncation_probability - 1)).toBeLessThan(1e-8);
  }
});

test.each(rows.filter((r) => r.count === 1000).map((r) => [r.count, r.delta, r]))(
  'dp_accounting row x%d at delta %s: upper bound between its optimistic and pessimistic(+0.1%) figures',
  (_c, _d, r: any) => {
    // dp_accounting accounts the cut batches with its replace-one pair at shift 2, which dominates the add/remove
    // pairs dpacct uses (accountants/truncatedPoisson.ts), so dpacct may be below its pessimistic figure
    const e = r.event;
    const f = pldEpsilon([stage(e.sampling_probability, e.dataset_size, e.truncated_batch_size, r.count, e.noise_multiplier)], r.delta);
    expect(f.upper).toBeLessThanOrEqual(r.pld_pessimistic_eps * 1.001);
    expect(f.upper).toBeGreaterThanOrEqual(r.pld_optimistic_eps);
    // beside it, plain Poisson at the same expected batch (dp_accounting's poisson_eps within 0.1%)
    const plain = f.details.plainPoisson as { upper: number; lower: number };
    expect(Math.abs(plain.upper / r.poisson_eps - 1)).toBeLessThan(1e-3);
    // truncation only adds privacy loss: the truncated upper bound is above plain Poisson's certified lower
    // bound (not necessarily above its upper bound: the two are composed separately, one of them may be
    // composed again with tilting at a small delta and come out tighter)
    expect(f.upper).toBeGreaterThanOrEqual(plain.lower);
    expect(plain.lower).toBeGreaterThan(0);
  },
);

test('costs more than Poisson at the same expected batch and tends to it as the maximum batch grows', () => {
  const n = 10000;
  const q = 0.01;
  const options = { discretization: 1e-3 }; // coarser than the default, to keep the test cheap
  const poisson = pldEpsilon([stage(q, n, undefined, 50)], 1e-6, options).upper;
  const figures = [110, 130, 150, 170].map((B) => pldEpsilon([stage(q, n, B, 50)], 1e-6, options).upper);
  for (let i = 0; i < figures.length; i++) {
    expect(figures[i]).toBeGreaterThanOrEqual(poisson);
    if (i > 0) expect(figures[i]).toBeLessThanOrEqual(figures[i - 1]);
  }
  expect(figures[0]).toBeGreaterThan(poisson * 2);
  // B = 170 is 7 standard deviations above the mean batch of 100
  expect(figures[3] / poisson - 1).toBeLessThan(1e-5);
  // and a maximum batch no batch can exceed is plain Poisson exactly
  expect(pldAccountant([stage(q, n, n, 50)], options).epsilon(1e-6).upper).toBe(poisson);
});
