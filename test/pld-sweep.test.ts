/**
 * The default precision target against dp_accounting run as an oracle (fixture pld_oracle_sweep_seed10.json,
 * how it was made is in the file): on the cheap rows of a random DP-SGD sweep and on small epsilons (large
 * sigma, few steps), our interval lies inside dp_accounting's optimistic..pessimistic band at its finer grid
 * and is as narrow as the default target asks. And the optimistic step next to a hard edge of the loss.
 */
import { DEFAULT_PRECISION, pldEpsilon, relativeWidth } from '../accountants/pld.js';
import type { Stage } from '../src/mechanism.js';
import { discretizeStep } from '../src/pld/discretize.js';
import { gaussianLoss } from '../src/pld/lossModels.js';
import { qMass } from '../src/pld/optimistic.js';
import { deltaForEpsilon } from '../src/pld/query.js';
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

test('next to the hard edge of a subsampled loss, the optimistic step rounds almost nothing down', () => {
  // remove direction, q = 1e-4: the loss starts at log(1 - q) and its density jumps up within two cells of
  // h = q/16; merging neighbouring cells alone left 2.3e-8 of Q-mass per step there (0.023 in eps after
  // 10^6 steps). The optimistic pair only merges, drops P-mass and adds Q-mass, so its Q-mass minus 1 is
  // what it added; it must stay below the pessimistic twin's delta at every eps.
  // sigma 0.5, q = 1e-3 at h = q/10: 44% of the mass in the first cell; neighbours alone left 1.3e-5
  // (composed 10^5 times, that step is built from quarter cells grouped onto the grid: 7.6e-11 per step;
  // the far tail on coarse cells, as composeStages asks, to keep this cheap)
  for (const [sigma, q, h, added, steps] of [
    [0.8, 1e-4, 6.25e-6, 1e-11, 1],
    [0.5, 1e-3, 1e-4, 3e-6, 1],
    [0.5, 1e-3, 1e-4, 1e-9, 1e5],
  ]) {
    const coarse = steps > 1 ? { interval: 64 * h, tail: 1e-10 } : undefined;
    const step = discretizeStep(gaussianLoss(sigma, q, 'remove'), h, 1e-20, coarse, steps);
    expect(qMass(step.optimistic) - 1).toBeLessThan(added);
    for (const eps of [0, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1]) {
      expect(deltaForEpsilon(step.optimistic, eps)).toBeLessThanOrEqual(deltaForEpsilon(step.pmf, eps) * (1 + 1e-12));
    }
  }
});
