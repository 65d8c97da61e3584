/**
 * Properties of the PLD accountant on random DP-SGD configurations (fast-check, fixed seed):
 * - its certified lower bound never exceeds another accountant's certified upper bound (RDP), a genuine
 *   cross-check of both: lower <= true value <= RDP's upper bound;
 * - lower <= upper, both finite, neither NaN;
 * - epsilon never falls when steps are added.
 * These hold at any grid interval (both bounds are certified at every discretization), so the properties run on
 * a grid ten times coarser than the default. Accuracy at the default grid is tested against dp_accounting in
 * pld.test.ts. The seeded random plans are drawn here, their PLDs computed in one plain-node child process
 * (test/helpers/plainNode.ts; jest's VM is several times slower at this arithmetic) and each plan is asserted
 * as its own test, so a failure names the plan.
 */
import fc from 'fast-check';
import { rdpEpsilon } from '../accountants/rdp.js';
import type { Stage } from '../src/mechanism.js';
import { PlainNodeBatch } from './helpers/plainNode.js';
import type { PldAnswer, PldJob } from './figures/pld.js';

const config = fc.record({
  q: fc.double({ min: 1e-3, max: 1, noNaN: true }),
  sigma: fc.double({ min: 0.6, max: 4, noNaN: true }),
  steps: fc.integer({ min: 1, max: 3000 }),
  logDelta: fc.double({ min: -10, max: -3, noNaN: true }),
});

/** grid interval for single-step PLDs: 10x the default 1e-4 */
const coarse = { discretization: 1e-3 };

const stages = (q: number, sigma: number, steps: number): Stage[] => [
  { mechanism: { kind: 'gaussian', noiseMultiplier: sigma }, poissonRate: q, steps },
];

const plans = new PlainNodeBatch<PldJob, PldAnswer>('pld');
const name = (c: { q: number; sigma: number; steps: number; logDelta: number }) =>
  `q=${c.q} sigma=${c.sigma} steps=${c.steps} delta=1e${c.logDelta}`;

describe('PLD lower <= PLD upper, PLD lower <= RDP upper, all finite', () => {
  const cases = fc.sample(config, { seed: 20261129, numRuns: 25 });
  for (const c of cases)
    plans.add(`bounds ${name(c)}`, { stages: stages(c.q, c.sigma, c.steps), options: coarse, epsilonAt: [10 ** c.logDelta] });
  test.each(cases.map((c) => [name(c), c] as const))('%s', (key, { q, sigma, steps, logDelta }) => {
    const delta = 10 ** logDelta;
    const f = plans.get(`bounds ${key}`).epsilon[0];
    const rdp = rdpEpsilon(stages(q, sigma, steps), delta).epsilon;
    expect(Number.isFinite(f.upper) && Number.isFinite(f.lower)).toBe(true);
    expect(f.lower).toBeLessThanOrEqual(f.upper);
    expect(f.lower).toBeLessThanOrEqual(rdp * (1 + 1e-12));
  });
});

describe('epsilon never falls when steps are added', () => {
  const cases = fc.sample(fc.tuple(config, fc.integer({ min: 1, max: 2000 })), { seed: 7, numRuns: 15 });
  for (const [c, more] of cases) {
    const job = { options: coarse, epsilonAt: [10 ** c.logDelta] };
    plans.add(`before ${name(c)} +${more}`, { ...job, stages: stages(c.q, c.sigma, c.steps) });
    plans.add(`after ${name(c)} +${more}`, { ...job, stages: stages(c.q, c.sigma, c.steps + more) });
  }
  test.each(cases.map(([c, more]) => [`${name(c)} +${more}`] as const))('%s steps', (key) => {
    const before = plans.get(`before ${key}`).epsilon[0].upper;
    const after = plans.get(`after ${key}`).epsilon[0];
    // more steps never help: the upper bounds are ordered up to float noise
    expect(after.upper).toBeGreaterThanOrEqual(before * (1 - 1e-9));
  });
});
