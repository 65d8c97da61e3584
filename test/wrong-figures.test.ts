/**
 * Issue 9, "wrong figures": inputs that once printed a small certified figure where the truth is huge
 * (overflowing sums of squared sensitivity ratios read as delta = 0, NaN read as "underflowed"), or a
 * shuffling lower bound that fell with more epochs. Each now ends as "infinite", an honest bound, or exit 3.
 * Truths used here: with sensitivity / noise >= 1e155 the Gaussian's delta(eps) is 1 to float64 precision
 * for every eps that float64 holds (delta(eps) = Phi(1/(2s) - eps s) - e^eps Phi(-1/(2s) - eps s)).
 */
import { cli } from './cliHelpers.js';
import { pldAccountant, mergedGaussianNoise } from '../accountants/pld.js';
import { analyticGaussianEpsilon, analyticGaussianDelta } from '../accountants/deterministic.js';
import { composeMaxStatistic, maxStatisticEpsilonLowerBound } from '../src/pld/maxStatistic.js';
import { guardFigure } from '../src/guard.js';
import { AccountingError } from '../src/errors.js';

const json = (r: { stdout: string }) => JSON.parse(r.stdout) as Record<string, unknown>;
const gaussian = (noiseMultiplier: number, sensitivity?: number) => ({
  mechanism: { kind: 'gaussian' as const, noiseMultiplier, ...(sensitivity !== undefined ? { sensitivity } : {}) },
  steps: 1,
});

describe('almost no noise is never certified as private', () => {
  test('epsilon --sigma 1e-155 (q = 1): infinite, not "epsilon = 0 exact"', async () => {
    const r = await cli(['epsilon', '--sigma', '1e-155', '--sampling-rate', '1', '--steps', '1', '--delta', '1e-5', '--json']);
    expect(r.exitCode).toBe(0);
    expect(json(r)).toMatchObject({ epsilon: null, infinite: true });
    const text = await cli(['epsilon', '--sigma', '1e-155', '--sampling-rate', '1', '--steps', '1', '--delta', '1e-5']);
    expect(text.stdout).toMatch(/^epsilon is infinite/);
  });

  test('delta --sigma 1e-160 --epsilon 1: delta = 1, not 4.9e-324', async () => {
    const r = await cli(['delta', '--sigma', '1e-160', '--sampling-rate', '1', '--steps', '1', '--epsilon', '1', '--json']);
    expect(r.exitCode).toBe(0);
    expect(json(r).delta).toBe(1);
  });

  test('a spec with sensitivity 1e160 fails check (exit 1, infinite epsilon), not exit 0', async () => {
    const spec = {
      budget: { epsilon: 3, delta: 1e-5 },
      stages: [
        { mechanism: { kind: 'gaussian', noiseMultiplier: 1, sensitivity: 1e160 }, sampler: { kind: 'poisson', rate: 1 }, steps: 1 },
      ],
    };
    const r = await cli(['check', '-', '--json'], { stdin: JSON.stringify(spec) });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('"infinite": true');
  });

  test('calibrate --target steps at sigma 1e-160 refuses (exit 3) rather than naming a step count', async () => {
    for (const q of ['1', '0.01']) {
      const r = await cli([
        'calibrate',
        '--target',
        'steps',
        '--sigma',
        '1e-160',
        '--sampling-rate',
        q,
        '--epsilon',
        '8',
        '--delta',
        '1e-5',
        '--quiet',
      ]);
      expect(r.exitCode).toBe(3);
      expect(r.stdout).toBe('');
    }
  });

  test('merged Gaussian noise does not overflow: sum of (1e155)^2 is not Infinity', () => {
    expect(mergedGaussianNoise([1e155])).toBeCloseTo(1e-155, 165);
    expect(mergedGaussianNoise([1e200, 1e200]) * 1e200).toBeCloseTo(Math.SQRT1_2, 12);
    expect(mergedGaussianNoise([Infinity])).toBe(0);
    expect(mergedGaussianNoise([])).toBe(Infinity);
  });

  test('PLD accountant: the closed form at sigma_eff 1e-160 is +infinity with a huge certified lower bound', () => {
    const pld = pldAccountant([gaussian(1, 1e160)]);
    const e = pld.epsilon(1e-5);
    expect(e.upper).toBe(Infinity);
    expect(e.lower).toBeGreaterThan(1e307);
    expect(pld.delta(1).upper).toBe(1);
  });

  test('analytic Gaussian at no noise: delta 1, epsilon +infinity (never 0)', () => {
    expect(analyticGaussianDelta({ noiseMultiplier: 0, epsilon: 5 })).toBe(1);
    expect(analyticGaussianDelta({ noiseMultiplier: 1e-320, epsilon: 5 })).toBe(1);
    expect(analyticGaussianEpsilon({ noiseMultiplier: 1e-155, delta: 1e-5 }).upper).toBe(Infinity);
    expect(() => analyticGaussianDelta({ noiseMultiplier: NaN, epsilon: 1 })).toThrow(RangeError);
  });
});

describe('shuffling at sigma 1e-160: a number, never "not a number"', () => {
  test.each([
    ['shuffle', '1'],
    ['shuffle', '2'],
    ['persistent-shuffle', '3'],
  ])('%s, %s epochs', async (sampler, epochs) => {
    const args = ['--sampler', sampler, '--sigma', '1e-160', '--steps-per-epoch', '100', '--epochs', epochs];
    const e = await cli(['epsilon', ...args, '--delta', '1e-5']);
    expect(e.exitCode).toBe(0);
    expect(e.stdout).toMatch(/^epsilon >= 1\.7976e308 lower bound/);
    expect(e.stdout + e.stderr).not.toMatch(/not a number|NaN/);
    if (epochs === '2') return; // (a composition per call: keep the test cheap)
    const j = await cli(['epsilon', ...args, '--delta', '1e-5', '--json']);
    expect(json(j).epsilon).toBeGreaterThan(1e307);
    const d = await cli(['delta', ...args, '--epsilon', '1', '--json']);
    expect(d.exitCode).toBe(0);
    expect(json(d).delta).toBeGreaterThan(0.999);
  });

  test('balls-and-bins at sigma 1e-160: infinite certified upper bound, no Monte Carlo, no internal error', async () => {
    const r = await cli([
      'epsilon',
      '--sampler',
      'balls-and-bins',
      '--sigma',
      '1e-160',
      '--samples',
      '100',
      '--steps-per-epoch',
      '10',
      '--epochs',
      '1',
      '--delta',
      '1e-5',
      '--json',
      '--quiet',
    ]);
    expect(r.exitCode).toBe(0);
    expect(json(r)).toMatchObject({ epsilon: null, infinite: true, kind: 'upper' });
  });

  test('the one-epoch bound is +infinity-safe: an underflowed ln Q gives MAX_VALUE, not NaN', () => {
    const r = maxStatisticEpsilonLowerBound({ meanUpper: 2, meanLower: 1, noiseMultiplier: 1e-160, steps: 100, delta: 1e-5 });
    expect(r.value).toBe(Number.MAX_VALUE);
  });
});

describe('the shuffling lower bound does not fall with more epochs', () => {
  // sigma 1, T = 100: the issue saw 1565 at 30,000 epochs, 949 at 50,000 and 4.06 at 70,000
  test('T = 100: 50,000 and 70,000 epochs keep the best bound of fewer epochs, and say so', async () => {
    const pair = { meanUpper: 2, meanLower: 1, noiseMultiplier: 1, steps: 100 };
    const at = (epochs: number) => composeMaxStatistic({ ...pair, epochs }).epsilonLowerBound(1e-5);
    const b50 = at(50000);
    const b70 = at(70000);
    expect(b50.value).toBeGreaterThan(1500);
    expect(b70.value).toBeGreaterThanOrEqual(b50.value);
    expect(b70.gridLimited).toBe(true);
    expect(b70.fromEpochs).toBeLessThan(70000);
  });

  test('the CLI note names the epochs the bound comes from', async () => {
    const r = await cli([
      'epsilon',
      '--sampler',
      'shuffle',
      '--sigma',
      '1',
      '--steps-per-epoch',
      '10000',
      '--epochs',
      '3000',
      '--delta',
      '1e-5',
    ]);
    expect(r.exitCode).toBe(0);
    const value = Number(/^epsilon >= ([0-9.]+)/.exec(r.stdout)![1]);
    // 7.27 at 1,000 epochs (the figure); it was 4.21 at 3,000
    expect(value).toBeGreaterThanOrEqual(7.26);
    expect(r.stdout).toMatch(/the composition grid limits this lower bound at 3000 epochs.*first \d+ epochs/i);
  });
});

describe('guardFigure: a NaN never leaves as a number', () => {
  test('NaN headline or upper bound: refused (exit 3); NaN lower bound: dropped', () => {
    expect(() => guardFigure({ value: NaN, kind: 'upper' }, 'epsilon')).toThrow(AccountingError);
    expect(() => guardFigure({ value: 1, kind: 'exact', upper: NaN }, 'epsilon')).toThrow(AccountingError);
    expect(() => guardFigure({ value: -1, kind: 'lower' }, 'epsilon')).toThrow(AccountingError);
    expect(guardFigure({ value: 1, kind: 'upper', lower: NaN }, 'epsilon')).toEqual({ value: 1, kind: 'upper' });
    expect(guardFigure({ value: Infinity, kind: 'upper', lower: 3 }, 'epsilon').value).toBe(Infinity);
  });
  test('an upper bound below the lower bound is refused', () => {
    expect(() => guardFigure({ value: 1, kind: 'upper', lower: 2 }, 'epsilon')).toThrow(AccountingError);
  });
});
