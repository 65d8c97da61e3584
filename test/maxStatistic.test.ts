import { reference } from './helpers/reference.js';
import {
  AUTHORS_THRESHOLD_GRID,
  composeMaxStatistic,
  maxStatisticDeltaLowerBound,
  maxStatisticEpsilonLowerBound,
  maxStatisticLogCdfAndSf,
  maxStatisticLossAtoms,
  sliceMaxStatistic,
  slicedHockeyStick,
} from '../src/pld/maxStatistic.js';
import { analyticGaussianDelta, analyticGaussianEpsilon } from '../accountants/deterministic.js';
import { InputError } from '../src/errors.js';

// test/fixtures/ablq.json and bnb.json: the ABLQ/BNB authors' code (dpsgd_batch_sampler_accounting), which
// maximizes over thresholds C in numpy.arange(0, 100, 0.01) and prints 6 significant digits.
const ablq = reference('ablq.json');
const bnb = reference('bnb.json');

const SHUFFLE = { meanUpper: 2, meanLower: 1 } as const;
const BNB = { meanUpper: 1, meanLower: 0 } as const;

/** within 6 printed significant digits: half a unit of the 6th digit plus 1e-6 relative */
function withinPrinted6(got: number, want: number): boolean {
  const halfUnit = 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(want))) - 5);
  return Math.abs(got - want) <= 1e-6 * Math.abs(want) + halfUnit;
}
/** eps columns are printed with 6 decimals (5e-7) after a bisection of tolerance 1e-7 (dp_accounting default) */
const withinPrinted6Decimals = (got: number, want: number) => Math.abs(got - want) <= 6e-7 + 1e-9 * Math.abs(want);

describe('CDF of the max statistic against mpmath', () => {
  // [mean, sigma, T, C, ln F, ln(1 - F)]; mpmath 1.3.0 at 1200 digits:
  //   F = ncdf((C - mean)/sigma) * ncdf(C/sigma)**(T - 1); print(log(F), log(1 - F))
  const rows: [number, number, number, number, number, number][] = [
    [2, 1, 100000, 3.0, -135.25239944387808, -1.8223393680472865e-59],
    [2, 1, 100000, 8.0, -1.0487966291710362e-9, -20.675622397995048],
    [2, 1, 100000, 30.0, -8.1238694696594266e-173, -396.25241451163104],
    [1, 0.5, 1000, -1.0, -3789.7612508348772, 0.0],
    [0, 0.35, 1000, 0.3, -217.76177055276194, -2.6746359608160401e-95],
    [2, 0.35, 1000, 5.5, -7.6198530241604773e-24, -53.231285150512477],
    [1, 2, 10000, 60.0, -1.4443807754849346e-191, -439.42607206121932],
    [2, 1, 1, -20.0, -246.01203653738092, -1.439892435145079e-107],
    [2, 1, 1, 25.0, -2.3306370062206488e-117, -268.55631425686311],
    [1, 1, 1000, 3.2, -0.70068775702448431, -0.68566303910175042],
  ];
  test.each(rows)('mean %p sigma %p T %p at C = %p: both logs to 1e-12 relative', (mean, sigma, T, c, logCdf, logSf) => {
    const pair = { meanUpper: 2, meanLower: 1, noiseMultiplier: sigma, steps: T };
    const r = maxStatisticLogCdfAndSf(pair, mean, c);
    expect(Math.abs(r.logCdf - logCdf)).toBeLessThanOrEqual(1e-12 * Math.abs(logCdf) + 1e-300);
    expect(Math.abs(r.logSf - logSf)).toBeLessThanOrEqual(1e-12 * Math.abs(logSf) + 1e-300);
  });
});

describe("single epoch with the authors' thresholds reproduces ablq.json / bnb.json (remove direction)", () => {
  const setting = ablq.delta_at_epsilon.setting;
  const base = { noiseMultiplier: setting.sigma, steps: setting.steps_per_epoch, thresholds: AUTHORS_THRESHOLD_GRID };
  test.each((ablq.delta_at_epsilon.rows as any[]).map((r: any): [number, number, number] => [r.epsilon, r.shuffle_lower, r.bnb_lower]))(
    'delta at eps=%p: shuffle and balls-and-bins lower bounds within the 6 printed digits',
    (epsilon, shuffle, ballsAndBins) => {
      expect(withinPrinted6(maxStatisticDeltaLowerBound({ ...base, ...SHUFFLE, epsilon }).remove.value, shuffle)).toBe(true);
      expect(withinPrinted6(maxStatisticDeltaLowerBound({ ...base, ...BNB, epsilon }).remove.value, ballsAndBins)).toBe(true);
    },
  );

  test.each(
    (ablq.epsilon_at_delta.rows as any[]).map((r: any): [number, number, number, number] => [
      r.steps_per_epoch,
      r.sigma,
      r.shuffle_lower,
      r.bnb_lower,
    ]),
  )('eps at delta 1e-6, T=%p sigma=%p within the 6 printed decimals', (steps, sigma, shuffle, ballsAndBins) => {
    const o = { noiseMultiplier: sigma, steps, delta: 1e-6, thresholds: AUTHORS_THRESHOLD_GRID };
    expect(withinPrinted6Decimals(maxStatisticEpsilonLowerBound({ ...o, ...SHUFFLE }).remove.value, shuffle)).toBe(true);
    expect(withinPrinted6Decimals(maxStatisticEpsilonLowerBound({ ...o, ...BNB }).remove.value, ballsAndBins)).toBe(true);
  });

  test('bnb.json single-epoch columns are the same numbers as ablq.json', () => {
    const o = { noiseMultiplier: 0.35, steps: 1000, thresholds: AUTHORS_THRESHOLD_GRID, ...BNB };
    for (const r of bnb.delta_at_epsilon.rows) {
      expect(withinPrinted6(maxStatisticDeltaLowerBound({ ...o, epsilon: r.epsilon }).remove.value, r.bnb_lower)).toBe(true);
    }
  });
});

describe('continuous threshold search', () => {
  test("is never below the authors' grid and stays within 4 significant digits of ablq.json (never below)", () => {
    const setting = ablq.delta_at_epsilon.setting;
    for (const r of ablq.delta_at_epsilon.rows) {
      const o = { noiseMultiplier: setting.sigma, steps: setting.steps_per_epoch, epsilon: r.epsilon };
      const shuffle = maxStatisticDeltaLowerBound({ ...o, ...SHUFFLE });
      const grid = maxStatisticDeltaLowerBound({ ...o, ...SHUFFLE, thresholds: AUTHORS_THRESHOLD_GRID });
      expect(shuffle.remove.value).toBeGreaterThanOrEqual(grid.remove.value);
      expect(shuffle.value).toBeGreaterThanOrEqual(r.shuffle_lower * (1 - 5e-6));
      // the grid step 0.01 costs up to 1.3e-3 relative at eps = 10 (checked with mpmath below)
      expect(shuffle.value).toBeLessThanOrEqual(r.shuffle_lower * (1 + 1.5e-3));
    }
    for (const r of ablq.epsilon_at_delta.rows) {
      const o = { noiseMultiplier: r.sigma, steps: r.steps_per_epoch, delta: 1e-6 };
      const shuffle = maxStatisticEpsilonLowerBound({ ...o, ...SHUFFLE }).value;
      expect(shuffle).toBeGreaterThanOrEqual(r.shuffle_lower - 5e-7);
      expect(Math.abs(shuffle - r.shuffle_lower)).toBeLessThanOrEqual(1e-4 * r.shuffle_lower);
    }
  });

  // The continuous optimum exceeds the 0.01-grid value by more than the 1.3e-4 the ablq.json notes mention:
  // mpmath 1.3.0 (50 digits) evaluates P(M > C) - e^eps Q(M > C) for sigma 0.35, T = 1000 at these C:
  //   eps 6, C 2.235086158914902: 0.16666136956 (best C on the 0.01 grid, 2.24: 0.166573403345)
  //   eps 8, C 2.480011684140935: 0.0500655760855 (grid, 2.48: 0.0500655758371)
  //   eps 10, C 2.725001577997595: 0.0100367084601 (grid, 2.73: 0.0100235515279)
  test.each([
    [6, 0.16666136956],
    [8, 0.0500655760855],
    [10, 0.0100367084601],
  ])('at eps=%p the continuous bound matches mpmath at its own threshold (valid, not overstated)', (epsilon, want) => {
    const r = maxStatisticDeltaLowerBound({ ...SHUFFLE, noiseMultiplier: 0.35, steps: 1000, epsilon });
    expect(Math.abs(r.remove.value - want)).toBeLessThanOrEqual(1e-10 * want + 1e-12);
  });

  test('the add direction is used when it is larger (balls-and-bins at sigma 2; mpmath-checked)', () => {
    // mpmath: Q(M <= C) - e^eps P(M <= C) at C = 4.856569581943367, T = 1000, sigma 2, means (1, 0):
    //   eps 0.017635 -> 1.00036852e-6 > 1e-6, so eps(1e-6) >= 0.017635 (ablq.json remove-only: 0.008485)
    const r = maxStatisticEpsilonLowerBound({ ...BNB, noiseMultiplier: 2, steps: 1000, delta: 1e-6 });
    expect(r.add.value).toBeGreaterThan(r.remove.value);
    expect(r.value).toBe(r.add.value);
    expect(r.add.value).toBeGreaterThanOrEqual(0.017635);
    expect(r.add.value).toBeLessThan(0.01764); // mpmath: at 0.01764 that set gives 9.979e-7 < 1e-6
  });
});

describe('several epochs (balls-and-bins pair, bnb.json multi_epoch_epsilon_at_delta, remove direction)', () => {
  const multi = bnb.multi_epoch_epsilon_at_delta;
  const T = multi.setting.steps_per_epoch;
  test.each((multi.rows as any[]).map((r: any): [number, number, number] => [r.sigma, r.epochs, r.bnb_lower]))(
    "sigma=%p E=%p: the authors' slicing at discretization 1e-3 reproduces the printed digits",
    (sigma, epochs, want) => {
      const o = { ...BNB, noiseMultiplier: sigma, steps: T, epochs, discretization: 1e-3, slicing: 'authors' as const };
      const got =
        epochs === 1
          ? maxStatisticEpsilonLowerBound({ ...o, delta: 1e-6, thresholds: AUTHORS_THRESHOLD_GRID }).remove.value
          : composeMaxStatistic(o).epsilonLowerBound(1e-6).remove;
      expect(withinPrinted6Decimals(got, want)).toBe(true);
    },
  );

  test('default slicing at 1e-4 is not below the reference and gains about E * 1e-3 / 2 of rounding', () => {
    const row = multi.rows.find((r: any) => r.sigma === 1 && r.epochs === 5);
    const c = composeMaxStatistic({ ...BNB, noiseMultiplier: 1, steps: T, epochs: 5 });
    const r = c.epsilonLowerBound(1e-6);
    expect(r.remove).toBeGreaterThanOrEqual(row.bnb_lower);
    expect(r.remove).toBeLessThanOrEqual(row.bnb_lower + 5 * 1e-3);
    expect(r.value).toBe(Math.max(r.remove, r.add));
    expect(c.details).toMatchObject({ discretization: 1e-4, slicing: 'aligned' });
  });

  test('tiny per-epoch losses (large sigma): the grid is refined, E epochs never fall below one epoch, nor exceed the Gaussian', () => {
    const o = { ...SHUFFLE, noiseMultiplier: 20, steps: 100 };
    const two = composeMaxStatistic({ ...o, epochs: 2 });
    const details = two.details as Record<string, number>;
    expect(details.gridInterval).toBeLessThan(1e-4);
    expect(details.maxRoundingShift).toBeLessThanOrEqual(0.01 * Math.sqrt(2) * details.lossSpreadPerEpoch * 1.0001);
    const eps = two.epsilonLowerBound(1e-6);
    const one = maxStatisticEpsilonLowerBound({ ...o, delta: 1e-6 });
    expect(eps.remove).toBeGreaterThanOrEqual(one.remove.value);
    expect(eps.add).toBeGreaterThanOrEqual(one.add.value);
    expect(eps.value).toBeLessThanOrEqual(analyticGaussianEpsilon({ noiseMultiplier: 20 / Math.sqrt(2), delta: 1e-6 }).value);
  });

  test('composition of one epoch stays below the threshold bound; delta and eps agree', () => {
    const o = { ...SHUFFLE, noiseMultiplier: 1.5, steps: 200 };
    const one = composeMaxStatistic({ ...o, epochs: 1, discretization: 1e-3 });
    for (const epsilon of [0.2, 1]) {
      // one epoch: the composed figure is the max of the sliced PLD's and the threshold bound, i.e. the latter
      const direct = maxStatisticDeltaLowerBound({ ...o, epsilon });
      const composed = one.deltaLowerBound(epsilon);
      expect(composed.value).toBe(direct.value);
    }
    const three = composeMaxStatistic({ ...o, epochs: 3, discretization: 1e-3 });
    const eps = three.epsilonLowerBound(1e-5).value;
    expect(three.deltaLowerBound(eps * (1 - 1e-4)).value).toBeGreaterThan(1e-5);
    expect(three.deltaLowerBound(eps * (1 + 1e-4)).value).toBeLessThanOrEqual(1e-5);
  });
});

describe('properties', () => {
  test('T = 1: the statistic is the Gaussian itself and the bound equals the analytic Gaussian', () => {
    for (const sigma of [0.5, 1, 3]) {
      for (const epsilon of [0, 0.5, 2, 5]) {
        const exact = analyticGaussianDelta({ noiseMultiplier: sigma, epsilon });
        const lower = maxStatisticDeltaLowerBound({ ...SHUFFLE, noiseMultiplier: sigma, steps: 1, epsilon }).value;
        expect(lower).toBeLessThanOrEqual(exact * (1 + 1e-9));
        expect(lower).toBeGreaterThanOrEqual(exact * (1 - 1e-9));
      }
      const exactEps = analyticGaussianEpsilon({ noiseMultiplier: sigma, delta: 1e-6 }).value;
      const lowerEps = maxStatisticEpsilonLowerBound({ ...BNB, noiseMultiplier: sigma, steps: 1, delta: 1e-6 }).value;
      expect(Math.abs(lowerEps - exactEps)).toBeLessThanOrEqual(1e-9 * exactEps);
    }
  });

  test('the lower bound never exceeds the deterministic (exact Gaussian) figure', () => {
    for (const steps of [2, 10, 1000, 100000]) {
      for (const sigma of [0.4, 1, 2.5]) {
        const lower = maxStatisticEpsilonLowerBound({ ...SHUFFLE, noiseMultiplier: sigma, steps, delta: 1e-5 }).value;
        expect(lower).toBeLessThanOrEqual(analyticGaussianEpsilon({ noiseMultiplier: sigma, delta: 1e-5 }).value);
      }
    }
  });

  test('eps and delta lower bounds are consistent inverses', () => {
    const pair = { ...SHUFFLE, noiseMultiplier: 1.2, steps: 5000 };
    for (const delta of [1e-3, 1e-6, 1e-12]) {
      const eps = maxStatisticEpsilonLowerBound({ ...pair, delta }).value;
      expect(maxStatisticDeltaLowerBound({ ...pair, epsilon: eps * (1 - 1e-6) }).value).toBeGreaterThan(delta);
      expect(maxStatisticDeltaLowerBound({ ...pair, epsilon: eps * (1 + 1e-6) }).value).toBeLessThanOrEqual(delta);
    }
  });

  test('delta lower bound decreases in eps and in sigma; works at T = 1e5 and tiny deltas', () => {
    let prev = Infinity;
    for (let epsilon = 0; epsilon <= 8; epsilon += 0.5) {
      const d = maxStatisticDeltaLowerBound({ ...SHUFFLE, noiseMultiplier: 0.6, steps: 100000, epsilon }).value;
      expect(d).toBeLessThanOrEqual(prev);
      prev = d;
    }
    const e1 = maxStatisticEpsilonLowerBound({ ...SHUFFLE, noiseMultiplier: 0.6, steps: 100000, delta: 1e-100 }).value;
    const e2 = maxStatisticEpsilonLowerBound({ ...SHUFFLE, noiseMultiplier: 0.7, steps: 100000, delta: 1e-100 }).value;
    expect(Number.isFinite(e1) && e1 > e2 && e2 > 0).toBe(true);
  });
});

describe('slicing the statistic', () => {
  test('slice masses sum to 1 under both mixtures, and the sliced pair is dominated by the statistic', () => {
    for (const [pair, sigma, steps] of [
      [SHUFFLE, 0.8, 1000],
      [BNB, 1, 100],
      [SHUFFLE, 2, 1],
      [{ meanUpper: 1.3, meanLower: 0.2 }, 0.9, 50],
    ] as const) {
      const o = { ...pair, noiseMultiplier: sigma, steps };
      const slices = sliceMaxStatistic({ ...o, lossInterval: 1e-3 });
      let upper = 0;
      let lower = 0;
      for (let k = 0; k < slices.logMassUpper.length; k++) {
        upper += Math.exp(slices.logMassUpper[k]);
        lower += Math.exp(slices.logMassLower[k]);
      }
      expect(Math.abs(upper - 1)).toBeLessThan(1e-12);
      expect(Math.abs(lower - 1)).toBeLessThan(1e-12);
      for (const epsilon of [0, 0.5, 2]) {
        const bound = maxStatisticDeltaLowerBound({ ...o, epsilon });
        // the likelihood ratio of M is monotone, so threshold sets are optimal for the statistic and the sliced
        // (coarser) pair can only be below them, and close to them
        for (const direction of ['remove', 'add'] as const) {
          const sliced = slicedHockeyStick(slices, direction, epsilon);
          expect(sliced).toBeLessThanOrEqual(bound[direction].value * (1 + 1e-9) + 1e-300);
          // (less the tail atoms' 1e-24 of mass, where the sliced pair cannot follow the threshold sets)
          expect(sliced).toBeGreaterThanOrEqual(bound[direction].value * (1 - 1e-3) - 1e-20);
        }
      }
    }
  });

  test('loss atoms: remove carries P-masses at ln(P/Q), add the mirror; e^-L P = Q', () => {
    const slices = sliceMaxStatistic({ ...SHUFFLE, noiseMultiplier: 1, steps: 100, lossInterval: 1e-2 });
    const remove = maxStatisticLossAtoms(slices, 'remove');
    const add = maxStatisticLossAtoms(slices, 'add');
    expect(remove.droppedMass).toBe(0);
    let q = 0;
    for (let i = 0; i < remove.losses.length; i++) q += remove.masses[i] * Math.exp(-remove.losses[i]);
    expect(Math.abs(q - 1)).toBeLessThan(1e-12);
    expect(add.losses.length).toBe(remove.losses.length);
    expect(add.losses[5]).toBeCloseTo(-remove.losses[5], 12);
  });

  test('bad input is refused', () => {
    expect(() => maxStatisticDeltaLowerBound({ ...SHUFFLE, noiseMultiplier: 0, steps: 10, epsilon: 1 })).toThrow(InputError);
    expect(() => maxStatisticDeltaLowerBound({ ...SHUFFLE, noiseMultiplier: 1, steps: 2.5, epsilon: 1 })).toThrow(/stepsPerEpoch/);
    expect(() => maxStatisticEpsilonLowerBound({ meanUpper: 1, meanLower: 2, noiseMultiplier: 1, steps: 2, delta: 1e-5 })).toThrow(/means/);
    expect(() => sliceMaxStatistic({ ...SHUFFLE, noiseMultiplier: 1, steps: 2, lossInterval: 0 })).toThrow(/discretization/);
  });
});
