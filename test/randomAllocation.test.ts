/**
 * Certified bounds for balls-and-bins (random allocation) from src/pld/randomAllocation.ts, against:
 * - test/fixtures/bnb_upper.json: Feldman and Shenfeld's PLD accountant (their Python code, 90-450 s per
 *   setting), intervals [fs_lower, fs_upper] on epsilon, and dp_accounting's Poisson PLD for the same sigma, T, E;
 * - test/fixtures/bnb.json: the BNB authors' certified lower bounds and Monte Carlo estimates of delta;
 * - the analytic Gaussian (Balle & Wang 2018) at T = 1.
 * Grid intervals are chosen per setting to keep the file cheap; upper bounds hold at any interval, the widths
 * shrink with it (bench/randomAllocation.ts runs the defaults).
 */
import { randomAllocationAccount } from '../src/pld/randomAllocation.js';
import { analyticGaussianEpsilon } from '../accountants/deterministic.js';
import { pldEpsilon } from '../accountants/pld.js';
import { reference } from './helpers/reference.js';

interface FsRow {
  steps_per_epoch: number;
  sigma: number;
  epochs: number;
  delta: number;
  fs_lower: number;
  fs_upper: number;
  poisson_pld_1e4: number;
}
const fs = reference<{ rows: FsRow[] }>('bnb_upper.json').rows;

function epsilonInterval(sigma: number, T: number, E: number, delta: number, interval: number) {
  const a = randomAllocationAccount({ noiseMultiplier: sigma, stepsPerEpoch: T, epochs: E, interval });
  return {
    upper: Math.max(a.remove.upperEpsilon(delta), a.add.upperEpsilon(delta)),
    lower: a.remove.lowerEpsilon(delta),
    account: a,
  };
}

describe('T = 1 is the Gaussian mechanism', () => {
  it.each([
    [0.8, 1],
    [0.8, 4],
  ])('sigma %p, %p epochs, delta 1e-5: the interval brackets the analytic Gaussian within 2e-3', (sigma, E) => {
    const exact = analyticGaussianEpsilon({ noiseMultiplier: sigma / Math.sqrt(E), delta: 1e-5 }).value;
    const { upper, lower } = epsilonInterval(sigma, 1, E, 1e-5, 2e-3);
    expect(upper).toBeGreaterThanOrEqual(exact);
    expect(upper - exact).toBeLessThan(2e-3);
    expect(lower).toBeLessThanOrEqual(exact);
    expect(exact - lower).toBeLessThan(2e-3 * E);
  });
});

describe("Feldman and Shenfeld's intervals (bnb_upper.json)", () => {
  // [row index, our grid interval, whether our interval is fine enough here to be narrower than theirs]
  const cases: [number, number, boolean][] = [
    // coarser grids: our interval is wider there (the widths at finer grids are bench cases)
    [0, 3e-3, false],
    [1, 3e-3, false],
    [2, 1.5e-3, true],
    [3, 2e-3, true],
  ];
  it.each(cases)('row %p at interval %p', (index, interval, compareWidth) => {
    const r = fs[index];
    const ours = epsilonInterval(r.sigma, r.steps_per_epoch, r.epochs, r.delta, interval);
    // upper bound between their lower and upper bounds (1% slack allowed above)
    expect(ours.upper).toBeGreaterThanOrEqual(r.fs_lower);
    expect(ours.upper).toBeLessThanOrEqual(r.fs_upper * 1.01);
    expect(ours.lower).toBeLessThanOrEqual(r.fs_upper);
    expect(ours.lower).toBeLessThanOrEqual(ours.upper);
    if (compareWidth) expect(ours.upper - ours.lower).toBeLessThan(r.fs_upper - r.fs_lower);
    // balls-and-bins at or below Poisson (same sigma, T, E) at these moderate and large epsilons
    expect(ours.upper).toBeLessThan(r.poisson_pld_1e4);
  });
});

describe("the BNB authors' figures (bnb.json, sigma 0.35, T = 1000, one epoch)", () => {
  const bnb = reference('bnb.json');
  const { sigma, steps_per_epoch: T, epochs } = bnb.delta_at_epsilon.setting;
  const account = randomAllocationAccount({ noiseMultiplier: sigma, stepsPerEpoch: T, epochs, interval: 3e-3 });
  it.each((bnb.delta_at_epsilon.rows as Array<Record<string, number>>).map((r) => [r.epsilon, r]))(
    'eps %p: upper delta >= certified lower bound and > Monte Carlo mean minus its half-width',
    (epsilon, row) => {
      const r = row as Record<string, number>;
      const upper = Math.max(account.remove.upperDelta(epsilon as number), account.add.upperDelta(epsilon as number));
      expect(upper).toBeGreaterThanOrEqual(r.bnb_lower);
      expect(upper).toBeGreaterThan(r.bnb_is_mean_remove - (r.bnb_is_ucb_remove - r.bnb_is_mean_remove));
      expect(account.remove.lowerDelta(epsilon as number)).toBeLessThanOrEqual(upper);
      // the truth lies below the Monte Carlo upper confidence bound (at 99%): our lower bound must too
      expect(account.remove.lowerDelta(epsilon as number)).toBeLessThanOrEqual(r.bnb_is_ucb_remove);
    },
  );
});

describe('balls-and-bins above Poisson: few steps per epoch, many epochs, in the bulk (large delta)', () => {
  it('sigma 0.8, T = 4, E = 20, delta 0.2: the certified lower bound exceeds the Poisson upper bound', () => {
    const ours = epsilonInterval(0.8, 4, 20, 0.2, 2e-3);
    const poisson = pldEpsilon([{ mechanism: { kind: 'gaussian', noiseMultiplier: 0.8 }, poissonRate: 1 / 4, steps: 80 }], 0.2, {
      discretization: 1e-3,
    });
    expect(ours.lower).toBeGreaterThan(poisson.upper);
  });
});

describe('a balls-and-bins stage composes with other stages in the PLD accountant', () => {
  it('with a negligible second stage it gives the balls-and-bins upper bound (re-rounded: at or just above)', () => {
    const alone = epsilonInterval(1, 100, 2, 1e-5, 2e-3).upper;
    const gaussian = { kind: 'gaussian', noiseMultiplier: 1 } as const;
    const composed = pldEpsilon(
      [
        { mechanism: gaussian, randomAllocation: { stepsPerEpoch: 100 }, steps: 2 },
        { mechanism: { kind: 'gaussian', noiseMultiplier: 1e6 }, steps: 1 },
      ],
      1e-5,
      { discretization: 1e-3 },
    );
    // the stage uses the default grid of the log-mean laws, finer than 2e-3: its upper bound is not larger
    expect(composed.upper).toBeLessThanOrEqual(alone + 1e-3);
    expect(composed.upper).toBeGreaterThan(alone - 0.01);
    expect(composed.lower).toBe(0);
    // and more stages cost more
    const more = pldEpsilon(
      [
        { mechanism: gaussian, randomAllocation: { stepsPerEpoch: 100 }, steps: 2 },
        { mechanism: gaussian, poissonRate: 0.01, steps: 100 },
      ],
      1e-5,
      { discretization: 1e-3 },
    );
    expect(more.upper).toBeGreaterThan(composed.upper);
  });
});
