/**
 * The precision target and the optimistic lower bound (issue 10), on cheap configurations:
 * - asking for a smaller R never loosens the interval (levels are computed in order and intersected);
 * - lower <= upper on random plans at coarse fixed grids and at a loose precision target;
 * - the Gaussian closed form (Balle & Wang 2018, independent of the grid code) lies inside the interval the
 *   grid engine gives for a composed Gaussian, pessimistic twin above and optimistic twin below;
 * - dp_accounting as an oracle (fixture pld_oracle_sweep.json, how it was made is in the file): our upper
 *   bound is at or above its optimistic (lower) figure and our lower bound at or below its pessimistic figure.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { pldAccountant, pldEpsilon } from '../accountants/pld.js';
import { analyticGaussianDelta } from '../accountants/deterministic.js';
import { composeStages } from '../src/pld/pipeline.js';
import { gaussianLoss } from '../src/pld/lossModels.js';
import { deltaForEpsilon } from '../src/pld/query.js';
import type { Stage } from '../src/mechanism.js';

const stages = (q: number, sigma: number, steps: number): Stage[] => [
  { mechanism: { kind: 'gaussian', noiseMultiplier: sigma }, poissonRate: q, steps },
];

test('a smaller precision target never loosens the interval, and reaches the target here', () => {
  const s = stages(0.05, 1.2, 200);
  let previous = { lower: 0, upper: Infinity };
  for (const precision of [0.3, 0.03, 0.003]) {
    const f = pldEpsilon(s, 1e-6, { precision });
    expect(f.lower).toBeGreaterThanOrEqual(previous.lower);
    expect(f.upper).toBeLessThanOrEqual(previous.upper);
    expect(f.lower).toBeLessThanOrEqual(f.upper);
    expect(f.details.precisionReached).toBe(true);
    expect((f.upper - f.lower) / f.upper).toBeLessThanOrEqual(precision);
    previous = f;
  }
});

test('lower <= upper on random plans, fixed coarse grids and a loose target', () => {
  fc.assert(
    fc.property(
      fc.record({
        q: fc.double({ min: 1e-4, max: 0.5, noNaN: true }),
        sigma: fc.double({ min: 0.5, max: 10, noNaN: true }),
        steps: fc.integer({ min: 10, max: 1000 }),
        logDelta: fc.double({ min: -12, max: -5, noNaN: true }),
        grid: fc.constantFrom({ discretization: 2e-3 }, { discretization: 1e-3 }, { precision: 0.05 }),
      }),
      ({ q, sigma, steps, logDelta, grid }) => {
        const acc = pldAccountant(stages(q, sigma, steps), grid);
        const e = acc.epsilon(10 ** logDelta);
        expect(e.lower).toBeLessThanOrEqual(e.upper);
        const d = acc.delta(e.upper / 2);
        expect(d.lower).toBeLessThanOrEqual(d.upper);
      },
    ),
    { seed: 20261201, numRuns: 8 },
  );
});

test.each([
  [2, 50, 2e-3],
  [0.8, 10, 1e-3],
  [5, 1000, 5e-3],
])('sigma=%p, %p steps on grid %p: the Gaussian closed form lies inside the grid interval', (sigma, steps, interval) => {
  const composed = composeStages([{ model: gaussianLoss(sigma, 1, 'remove'), steps }], { interval });
  const sigmaEff = sigma / Math.sqrt(steps);
  for (const epsilon of [0, 0.1, 0.5, 1, 2]) {
    const exact = analyticGaussianDelta({ noiseMultiplier: sigmaEff, epsilon });
    const upper = deltaForEpsilon(composed.pmf, epsilon);
    const lower = deltaForEpsilon(composed.optimistic.pmf, epsilon) - composed.optimistic.slack;
    expect(upper).toBeGreaterThanOrEqual(exact * (1 - 1e-12));
    expect(lower).toBeLessThanOrEqual(exact * (1 + 1e-12));
    // and the optimistic twin is informative: within 2% of the truth where delta is not tiny
    if (exact > 1e-6) expect(lower).toBeGreaterThan(0.98 * exact);
  }
});

interface OracleRow {
  q: number;
  sigma: number;
  steps: number;
  delta: number;
  pessimistic: number;
  optimistic: number;
}
const oracle = JSON.parse(readFileSync(new URL('./fixtures/pld_oracle_sweep.json', import.meta.url), 'utf8')) as {
  rows: OracleRow[];
};

test.each(oracle.rows.map((r) => [r.q, r.sigma, r.steps, r.delta, r] as const))(
  "q=%p sigma=%p steps=%p delta=%p: inside dp_accounting's optimistic..pessimistic band",
  (_q, _s, _n, _d, r) => {
    const f = pldEpsilon(stages(r.q, r.sigma, r.steps), r.delta, { precision: 0.01 });
    expect(f.upper).toBeGreaterThanOrEqual(r.optimistic);
    expect(f.lower).toBeLessThanOrEqual(r.pessimistic * (1 + 1e-12));
  },
);

test('precision outside [1e-6, 1) is refused naming the option', () => {
  expect(() => pldEpsilon(stages(0.01, 1, 10), 1e-5, { precision: 2 })).toThrow(/precision/);
  expect(() => pldEpsilon(stages(0.01, 1, 10), 1e-5, { precision: 0 })).toThrow(/precision/);
});
