/**
 * The default precision target against dp_accounting run as an oracle (fixture pld_oracle_sweep_seed10.json,
 * how it was made is in the file): on the cheap rows of a random DP-SGD sweep and on small epsilons (large
 * sigma, few steps), our interval lies inside dp_accounting's optimistic..pessimistic band at its finer grid
 * and is as narrow as the default target asks.
 */
import { DEFAULT_PRECISION, pldEpsilon, relativeWidth } from '../accountants/pld.js';
import type { Stage } from '../src/mechanism.js';
import { reference } from './helpers/reference.js';

interface Band {
  pessimistic: number;
  optimistic: number;
}
interface Row extends Band {
  q: number;
  sigma: number;
  steps: number;
  delta: number;
  fine?: Band & { interval: number };
}
const sweep = reference<{ rows: Row[]; smallEpsilon: (Row & { interval: number })[] }>('pld_oracle_sweep_seed10.json');

const stages = (r: Row): Stage[] => [{ mechanism: { kind: 'gaussian', noiseMultiplier: r.sigma }, poissonRate: r.q, steps: r.steps }];

const cheap = sweep.rows.filter((r) => r.fine !== undefined);

test('the fixture has the cheap rows this test runs', () => {
  expect(cheap.length).toBeGreaterThanOrEqual(12);
});

test.each([...cheap, ...sweep.smallEpsilon].map((r) => [r.q, r.sigma, r.steps, r.delta, r] as const))(
  'q=%p sigma=%p steps=%p delta=%p: inside the oracle band, width <= the default target',
  (_q, _s, _n, _d, r) => {
    const f = pldEpsilon(stages(r), r.delta);
    const band = r.fine ?? r;
    expect(f.upper).toBeGreaterThanOrEqual(Math.max(r.optimistic, band.optimistic));
    expect(f.lower).toBeLessThanOrEqual(band.pessimistic * (1 + 1e-12));
    expect(f.lower).toBeGreaterThan(0);
    expect(relativeWidth(f)).toBeLessThanOrEqual(DEFAULT_PRECISION);
    expect(f.details.precisionReached).toBe(true);
  },
);
