import { reference } from './helpers/reference.js';
import { SAMPLERS, compareSamplers, samplerCalibrateNoise, samplerDelta, samplerEpsilon } from '../accountants/samplers.js';
import { analyticGaussianDelta, analyticGaussianEpsilon } from '../accountants/deterministic.js';
import { InputError } from '../src/errors.js';

// test/fixtures/ablq.json: the ABLQ authors' code (dpsgd_batch_sampler_accounting) with dp_accounting 0.6.0
const ablq = reference('ablq.json');
const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe('one entry point per sampler', () => {
  const setting = { noiseMultiplier: 1, stepsPerEpoch: 100, epochs: 1 };
  const row = ablq.epsilon_at_delta.rows.find((r: any) => r.steps_per_epoch === 100 && r.sigma === 1);

  test('deterministic: exact, the ablq.json figure to 1e-6', () => {
    const r = samplerEpsilon({ ...setting, sampler: 'deterministic', delta: 1e-6 });
    expect(r.kind).toBe('exact');
    expect(relErr(r.value, row.deterministic)).toBeLessThan(1e-6);
    expect(r.lower! <= r.value && r.value <= r.upper!).toBe(true);
  });

  test('shuffle: a lower bound with its caveat, not below the ablq.json figure', () => {
    const r = samplerEpsilon({ ...setting, sampler: 'shuffle', delta: 1e-6 });
    expect(r.kind).toBe('lower');
    expect(r.upper).toBeUndefined();
    expect(r.notes.join(' ')).toMatch(/no tight upper bound is known/);
    expect(r.value).toBeGreaterThanOrEqual(row.shuffle_lower - 5e-7);
    expect(r.value).toBeLessThanOrEqual(row.shuffle_lower * (1 + 1e-4));
  });

  test("poisson: the PLD engine's certified upper bound for q = 1/T over T*E steps", () => {
    // ablq.json used discretization 1e-3 with dp_accounting (connect-the-dots); a finer grid can only be lower
    const r = samplerEpsilon({ ...setting, sampler: 'poisson', delta: 1e-6 });
    expect(r.kind).toBe('upper');
    expect(r.value).toBe(r.upper);
    expect(r.lower!).toBeLessThanOrEqual(r.value);
    expect(r.value).toBeLessThanOrEqual(row.poisson_pld_upper * (1 + 1e-6));
    expect(r.value).toBeGreaterThanOrEqual(row.poisson_pld_optimistic);
    expect(r.details).toMatchObject({ samplingRate: 0.01, steps: 100 });
    expect(r.notes.join(' ')).toMatch(/Poisson/);
  });

  test('delta queries mirror the epsilon queries', () => {
    for (const sampler of SAMPLERS) {
      const eps = samplerEpsilon({ ...setting, sampler, delta: 1e-5, discretization: 1e-3 });
      const delta = samplerDelta({ ...setting, sampler, epsilon: eps.value, discretization: 1e-3 });
      expect(delta.kind).toBe(eps.kind);
      // at its own eps the figure's delta is about the target (within the bracket / grid)
      expect(relErr(delta.value, 1e-5)).toBeLessThan(1e-2);
    }
  });
});

describe('T = 1: every sampler is the plain Gaussian', () => {
  test('deterministic, shuffles and Poisson (q = 1) agree with the analytic Gaussian at sigma/sqrt(E)', () => {
    const sigma = 0.9;
    const epochs = 3;
    const exactEps = analyticGaussianEpsilon({ noiseMultiplier: sigma / Math.sqrt(epochs), delta: 1e-6 }).value;
    const exactDelta = analyticGaussianDelta({ noiseMultiplier: sigma / Math.sqrt(epochs), epsilon: 2 });
    const o = { noiseMultiplier: sigma, stepsPerEpoch: 1, epochs };
    for (const sampler of ['deterministic', 'persistent-shuffle', 'poisson'] as const) {
      expect(relErr(samplerEpsilon({ ...o, sampler, delta: 1e-6 }).value, exactEps)).toBeLessThan(1e-9);
      expect(relErr(samplerDelta({ ...o, sampler, epsilon: 2 }).value, exactDelta)).toBeLessThan(1e-9);
    }
    expect(samplerEpsilon({ ...o, sampler: 'poisson', delta: 1e-6 }).kind).toBe('exact');
    // dynamic shuffling composes a rounded-down grid PLD: below the exact figure, within E grid intervals
    const dynamic = samplerEpsilon({ ...o, sampler: 'shuffle', delta: 1e-6, discretization: 1e-3 }).value;
    expect(dynamic).toBeLessThanOrEqual(exactEps);
    expect(dynamic).toBeGreaterThanOrEqual(exactEps - epochs * 1e-3);
  });
});

describe('compare', () => {
  test('every sampler with its kind and the ratio to Poisson; shuffling costs more than Poisson here', () => {
    const c = compareSamplers({ noiseMultiplier: 1, stepsPerEpoch: 100, epochs: 1, delta: 1e-6 });
    expect(c.quantity).toBe('epsilon');
    expect(c.rows.map((r) => r.sampler)).toEqual([...SAMPLERS]);
    const byName = Object.fromEntries(c.rows.map((r) => [r.sampler, r]));
    expect(byName.poisson.ratioToPoisson).toBe(1);
    expect(byName.deterministic.figure.kind).toBe('exact');
    expect(byName.shuffle.figure.kind).toBe('lower');
    expect(byName.shuffle.ratioToPoisson).toBeCloseTo(byName.shuffle.figure.value / byName.poisson.figure.value, 12);
    // ABLQ-1: at sigma 1, T = 100 the shuffling lower bound is several times the Poisson upper bound
    expect(byName.shuffle.ratioToPoisson!).toBeGreaterThan(4);
    expect(byName.shuffle.figure.value).toBeLessThanOrEqual(byName.deterministic.figure.value);
  });

  test('delta comparison, a subset of samplers, and input checks', () => {
    const c = compareSamplers({
      noiseMultiplier: 1,
      stepsPerEpoch: 10,
      epochs: 1,
      epsilon: 2,
      discretization: 1e-3,
      samplers: ['shuffle', 'deterministic'],
    });
    expect(c.quantity).toBe('delta');
    expect(c.rows.map((r) => r.sampler)).toEqual(['shuffle', 'deterministic']);
    for (const r of c.rows) expect(r.ratioToPoisson).not.toBeNull();
    expect(() => compareSamplers({ noiseMultiplier: 1, stepsPerEpoch: 10, epochs: 1, delta: 1e-5, epsilon: 1 })).toThrow(InputError);
    expect(() => compareSamplers({ noiseMultiplier: 1, stepsPerEpoch: 10, epochs: 1 })).toThrow(/delta/);
    expect(() => compareSamplers({ noiseMultiplier: 1, stepsPerEpoch: 10, epochs: 1, delta: 1e-5, samplers: ['bins' as never] })).toThrow(
      /sampler/,
    );
  });
});

describe('calibrate (ablq.json sigma_for_epsilon, delta 1e-6, T 1000, one epoch)', () => {
  const rows = ablq.sigma_for_epsilon.rows;
  test.each((rows as any[]).map((r: any): [number, number, number] => [r.epsilon, r.sigma_deterministic, r.sigma_shuffle_lower_necessary]))(
    'eps=%p: deterministic sufficient to 1e-6, shuffle necessary to 4 significant digits and one-sided',
    (epsilon, deterministic, shuffle) => {
      const o = { stepsPerEpoch: 1000, epochs: 1, epsilon, delta: 1e-6 };
      const det = samplerCalibrateNoise({ ...o, sampler: 'deterministic' });
      expect(det.statement).toBe('sufficient');
      expect(relErr(det.value, deterministic)).toBeLessThan(1e-6);
      const sh = samplerCalibrateNoise({ ...o, sampler: 'shuffle' });
      expect(sh.statement).toBe('necessary');
      expect(sh.kind).toBe('lower');
      // the continuous threshold search certifies a slightly larger delta, hence a slightly larger necessary sigma
      expect(sh.value).toBeGreaterThanOrEqual(shuffle - 5e-7);
      expect(relErr(sh.value, shuffle)).toBeLessThan(5e-5);
      // necessary: at the reported sigma the certified lower bound still exceeds the target
      expect(samplerDelta({ ...o, sampler: 'shuffle', noiseMultiplier: sh.value }).value).toBeGreaterThan(1e-6);
    },
  );

  test('Poisson: sufficient, meets the target by its upper bound, and the bracket is tight', () => {
    // a small case on a coarse grid: each evaluation is a full PLD composition
    const o = { stepsPerEpoch: 2, epochs: 2, epsilon: 2, delta: 1e-5, discretization: 1e-3 };
    const r = samplerCalibrateNoise({ ...o, sampler: 'poisson', relTol: 1e-3 });
    expect(r.statement).toBe('sufficient');
    expect(r.kind).toBe('upper');
    expect(samplerDelta({ ...o, sampler: 'poisson', noiseMultiplier: r.value }).upper!).toBeLessThanOrEqual(1e-5);
    expect(samplerDelta({ ...o, sampler: 'poisson', noiseMultiplier: r.value * (1 - 2e-3) }).upper!).toBeGreaterThan(1e-5);
  });

  test('persistent shuffling over E epochs needs sqrt(E) times the one-epoch sigma', () => {
    const one = samplerCalibrateNoise({ sampler: 'shuffle', stepsPerEpoch: 50, epochs: 1, epsilon: 3, delta: 1e-6 });
    const four = samplerCalibrateNoise({ sampler: 'persistent-shuffle', stepsPerEpoch: 50, epochs: 4, epsilon: 3, delta: 1e-6 });
    expect(relErr(four.value, 2 * one.value)).toBeLessThan(3e-6);
    expect(four.statement).toBe('necessary');
  });

  test('bad input names the field', () => {
    expect(() => samplerCalibrateNoise({ sampler: 'shuffle', stepsPerEpoch: 10, epochs: 1, epsilon: 1, delta: 2 })).toThrow(/delta/);
    expect(() => samplerEpsilon({ sampler: 'poisson', noiseMultiplier: 1, stepsPerEpoch: 1.5, epochs: 1, delta: 1e-5 })).toThrow(
      /stepsPerEpoch/,
    );
    expect(() => samplerEpsilon({ sampler: 'nope' as never, noiseMultiplier: 1, stepsPerEpoch: 1, epochs: 1, delta: 1e-5 })).toThrow(
      /sampler/,
    );
  });
});
