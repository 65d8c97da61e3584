/**
 * Regression tests for edge cases found in review (each was a wrong or missing figure before):
 * wide coarse cells overflowing to NaN, the Gaussian sensitivity field, randomized response at a huge
 * epsilon, leftover steps rounded one by one, runaway grids, and underflowing closed forms.
 * The three heavy compositions are computed in a plain-node child process (test/helpers/plainNode.ts).
 */
import { pldDelta, pldEpsilon } from '../accountants/pld.js';
import { rdpEpsilon } from '../accountants/rdp.js';
import type { Stage } from '../src/mechanism.js';
import { PlainNodeBatch } from './helpers/plainNode.js';
import type { PldAnswer, PldJob } from './figures/pld.js';

const dpsgd = (q: number, sigma: number, steps: number): Stage[] => [
  { mechanism: { kind: 'gaussian', noiseMultiplier: sigma }, poissonRate: q, steps },
];

const heavy = new PlainNodeBatch<PldJob, PldAnswer>('pld');

heavy.add('millions wide', { stages: dpsgd(0.1, 0.001, 100), epsilonAt: [1e-5], deltaAt: [100] });
test('a composed loss millions wide keeps its tail (coarse cells used to overflow to NaN)', () => {
  // dp_accounting (PLD at interval 0.1) gives 1.25e7; RDP is a looser upper bound
  const stages = dpsgd(0.1, 0.001, 100);
  const upper = heavy.get('millions wide').epsilon[0].upper;
  expect(upper).toBeGreaterThan(1.2e7);
  expect(upper).toBeLessThanOrEqual(rdpEpsilon(stages, 1e-5).epsilon);
  expect(heavy.get('millions wide').delta[0].upper).toBeGreaterThan(0.99);
});

test('Gaussian sensitivity s (in clip norms) acts as noise multiplier sigma / s, in PLD and RDP', () => {
  const withSensitivity: Stage[] = [{ mechanism: { kind: 'gaussian', noiseMultiplier: 1, sensitivity: 10 }, steps: 1 }];
  const scaled: Stage[] = [{ mechanism: { kind: 'gaussian', noiseMultiplier: 0.1 }, steps: 1 }];
  expect(pldEpsilon(withSensitivity, 1e-5).upper).toBeCloseTo(pldEpsilon(scaled, 1e-5).upper, 9);
  expect(rdpEpsilon(withSensitivity, 1e-5).epsilon).toBeCloseTo(rdpEpsilon(scaled, 1e-5).epsilon, 9);
  const sampled = (s: number, sigma: number): Stage[] => [
    { mechanism: { kind: 'gaussian', noiseMultiplier: sigma, sensitivity: s }, poissonRate: 0.01, steps: 100 },
  ];
  expect(pldEpsilon(sampled(2, 2), 1e-5).upper).toBeCloseTo(pldEpsilon(sampled(1, 1), 1e-5).upper, 9);
});

test('randomized response at eps = 750 is accounted, not called infinite', () => {
  const stages: Stage[] = [{ mechanism: { kind: 'randomized-response', categories: 3, epsilon: 750 }, steps: 1 }];
  const f = pldEpsilon(stages, 1e-5, { adjacency: 'replace-one' });
  // exact: delta(eps) = P(truth) (1 - e^(eps - 750)) below 750, so eps(1e-5) = 750 + ln(1 - 1e-5)
  expect(f.upper).toBeGreaterThanOrEqual(750 + Math.log1p(-1e-5) - 1e-9);
  expect(f.upper).toBeLessThan(751);
});

test('epsilon grows with steps when the block size is close to the number of steps', () => {
  // sigma = 5, q = 1e-5: blocks of ~6e5 steps; leftover steps used to be rounded one by one (4x looser)
  const eps = [600_000, 1_000_000, 1_280_000].map((t) => pldEpsilon(dpsgd(1e-5, 5, t), 1e-8).upper);
  expect(eps[1]).toBeGreaterThan(eps[0]);
  expect(eps[2]).toBeGreaterThan(eps[1]);
  expect(eps[1]).toBeLessThan(rdpEpsilon(dpsgd(1e-5, 5, 1_000_000), 1e-8).epsilon);
});

heavy.add('sigma 1e-10', { stages: dpsgd(0.01, 1e-10, 100), epsilonAt: [1e-5] });
test('absurdly small noise gets a finite certified figure on a coarse grid instead of hanging', () => {
  // sigma = 1e-10: each participation leaks ~1/(2 sigma^2) = 5e19; about 7 of 100 steps at q = 0.01
  // must be counted at delta = 1e-5
  const f = heavy.get('sigma 1e-10').epsilon[0];
  expect(Number.isFinite(f.upper)).toBe(true);
  expect(f.upper).toBeGreaterThan(1e20);
  expect(f.lower).toBeLessThanOrEqual(f.upper);
});

heavy.add('interval 1e-12', { stages: dpsgd(0.01, 1, 100), options: { discretization: 1e-12 }, epsilonAt: [1e-5] });
test('a discretization finer than memory allows still answers: the grids coarsen to fit', () => {
  // dp_accounting (interval 1e-4, dpsgd_poisson.json): 0.71803671 for q = 0.01, sigma = 1, 100 steps
  const f = heavy.get('interval 1e-12').epsilon[0];
  expect(f.upper).toBeLessThanOrEqual(0.71803671 * 1.005);
  expect(f.upper).toBeGreaterThanOrEqual(0.707947); // PRV's certified lower bound
});

test('a closed-form delta below float64 range is an upper bound, not an exact 0', () => {
  const f = pldDelta([{ mechanism: { kind: 'gaussian', noiseMultiplier: 0.5 }, steps: 10 }], 1000);
  expect(f.upper).toBeGreaterThan(0);
  expect(f.kind).toBe('upper');
  expect(f.lower).toBe(0);
});
