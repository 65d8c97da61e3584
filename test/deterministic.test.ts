import { reference } from './helpers/reference.js';
import {
  analyticGaussianDelta,
  analyticGaussianLogDelta,
  analyticGaussianEpsilon,
  analyticGaussianNoiseMultiplier,
  deterministicDelta,
  deterministicEpsilon,
  deterministicNoiseMultiplier,
} from '../accountants/deterministic.js';
import { InputError } from '../src/errors.js';

const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);
/** ln of a decimal string such as '6.37e-546' (below float64 range) */
function lnOfDecimalString(text: string): number {
  const [mantissa, exponent] = text.toLowerCase().split('e');
  return Math.log(Number(mantissa)) + Number(exponent ?? 0) * Math.LN10;
}
/**
 * ablq.json prints 6 significant digits, so a reference value carries up to half a unit of its 6th digit of
 * rounding (up to 5e-6 relative); we accept 1e-6 relative plus that printing error.
 */
function withinPrinted6(got: number, want: number): boolean {
  const halfUnit = 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(want))) - 5);
  return Math.abs(got - want) <= 1e-6 * Math.abs(want) + halfUnit;
}

// test/fixtures/analytic_gaussian.json: mpmath (50 digits) evaluation of the Balle & Wang formula
const gaussian = reference('analytic_gaussian.json');
// test/fixtures/ablq.json: the ABLQ authors' code (scipy, dpsgd_batch_sampler_accounting)
const ablq = reference('ablq.json');

describe('analytic Gaussian against mpmath (analytic_gaussian.json)', () => {
  // ln delta against the 20-digit string (three rows are below float64 range, e.g. 6.4e-546)
  test.each((gaussian.delta_for_eps as any[]).map((r: any): [number, number, string] => [r.sigma, r.eps, r.delta_exact_str]))(
    'delta(sigma=%p, eps=%p) to 1e-9 relative (as |ln got - ln want| < 1e-9)',
    (sigma, eps, want) => {
      const got = analyticGaussianLogDelta({ noiseMultiplier: sigma, epsilon: eps });
      expect(Math.abs(got - lnOfDecimalString(want))).toBeLessThan(1e-9);
    },
  );

  test.each((gaussian.delta_for_eps as any[]).map((r: any): [number, number, number] => [r.sigma, r.eps, r.delta_exact_mpmath]))(
    'delta(sigma=%p, eps=%p) as a float64 to 1e-9 relative, honest 0 on underflow',
    (sigma, eps, want) => {
      const got = analyticGaussianDelta({ noiseMultiplier: sigma, epsilon: eps });
      if (want === 0) expect(got).toBe(0);
      else expect(relErr(got, want)).toBeLessThan(1e-9);
    },
  );

  test.each((gaussian.eps_for_delta as any[]).map((r: any): [number, number, number] => [r.sigma, r.delta, r.eps_exact_mpmath]))(
    'eps(sigma=%p, delta=%p) to 1e-9 relative, bracket holds the root',
    (sigma, delta, want) => {
      const r = analyticGaussianEpsilon({ noiseMultiplier: sigma, delta });
      expect(relErr(r.value, want)).toBeLessThan(1e-9);
      expect(r.lower).toBeLessThanOrEqual(r.upper);
      expect(analyticGaussianDelta({ noiseMultiplier: sigma, epsilon: r.upper })).toBeLessThanOrEqual(delta);
    },
  );

  test.each(
    (gaussian.composition_k_fold_equals_sigma_over_sqrt_k as any[]).map((r: any): [number, number, number, number] => [
      r.sigma,
      r.k,
      r.delta,
      r.eps_exact_mpmath,
    ]),
  )('k-fold composition = sigma/sqrt(k): sigma=%p k=%p delta=%p to 1e-9 relative', (sigma, k, delta, want) => {
    const r = deterministicEpsilon({ noiseMultiplier: sigma, epochs: k, delta });
    expect(r.kind).toBe('exact');
    expect(relErr(r.value, want)).toBeLessThan(1e-9);
  });

  // dp_accounting's get_sigma_gaussian bisects to its own tolerance, so 1e-6 relative here
  test.each(
    (gaussian.sigma_for_eps_delta as any[]).map((r: any): [number, number, number] => [
      r.eps,
      r.delta,
      r.sigma_dp_accounting_get_sigma_gaussian,
    ]),
  )('calibrated noise for eps=%p delta=%p matches dp_accounting to 1e-6 and meets the target', (eps, delta, want) => {
    const r = analyticGaussianNoiseMultiplier({ epsilon: eps, delta });
    expect(relErr(r.value, want)).toBeLessThan(1e-6);
    expect(analyticGaussianDelta({ noiseMultiplier: r.value, epsilon: eps })).toBeLessThanOrEqual(delta);
    expect(analyticGaussianDelta({ noiseMultiplier: r.lower, epsilon: eps })).toBeGreaterThan(delta);
  });
});

describe('deterministic batches against the ABLQ authors (ablq.json, 1e-6 relative + 6-digit printing)', () => {
  const s = ablq.delta_at_epsilon.setting;
  test.each((ablq.delta_at_epsilon.rows as any[]).map((r: any): [number, number] => [r.epsilon, r.deterministic]))(
    'delta at eps=%p (sigma 0.35, one epoch)',
    (eps, want) => {
      const r = deterministicDelta({ noiseMultiplier: s.sigma, epochs: s.epochs, epsilon: eps });
      expect(withinPrinted6(r.value, want)).toBe(true);
    },
  );

  test.each((ablq.epsilon_at_delta.rows as any[]).map((r: any): [number, number] => [r.sigma, r.deterministic]))(
    'eps at delta 1e-6, sigma=%p',
    (sigma, want) => {
      const r = deterministicEpsilon({ noiseMultiplier: sigma, epochs: 1, delta: ablq.epsilon_at_delta.setting.delta });
      expect(relErr(r.value, want)).toBeLessThan(1e-6);
    },
  );

  test.each(
    (ablq.multi_epoch_epsilon_at_delta.rows as any[]).map((r: any): [number, number, number] => [r.sigma, r.epochs, r.deterministic]),
  )('eps at delta 1e-6, sigma=%p over %p epochs', (sigma, epochs, want) => {
    const r = deterministicEpsilon({ noiseMultiplier: sigma, epochs, delta: 1e-6 });
    expect(relErr(r.value, want)).toBeLessThan(1e-6);
  });

  test.each((ablq.sigma_for_epsilon.rows as any[]).map((r: any): [number, number] => [r.epsilon, r.sigma_deterministic]))(
    'sufficient sigma for eps=%p at delta 1e-6',
    (eps, want) => {
      const r = deterministicNoiseMultiplier({ epochs: 1, epsilon: eps, delta: 1e-6 });
      expect(relErr(r.value, want)).toBeLessThan(1e-6);
      expect(deterministicDelta({ noiseMultiplier: r.value, epochs: 1, epsilon: eps }).value).toBeLessThanOrEqual(1e-6);
    },
  );
});

describe('deterministic properties', () => {
  test('E epochs at sigma equal one epoch at sigma/sqrt(E)', () => {
    for (const [sigma, epochs] of [
      [0.8, 4],
      [3, 9],
      [1.7, 10],
    ]) {
      const many = deterministicEpsilon({ noiseMultiplier: sigma, epochs, delta: 1e-5 }).value;
      const one = deterministicEpsilon({ noiseMultiplier: sigma / Math.sqrt(epochs), epochs: 1, delta: 1e-5 }).value;
      expect(relErr(many, one)).toBeLessThan(1e-12);
    }
  });

  test('delta is decreasing in eps and in sigma; eps is 0 when delta exceeds delta(0)', () => {
    let prev = Infinity;
    for (let eps = 0; eps <= 20; eps += 0.25) {
      const d = analyticGaussianDelta({ noiseMultiplier: 0.7, epsilon: eps });
      expect(d).toBeLessThanOrEqual(prev);
      prev = d;
    }
    expect(analyticGaussianDelta({ noiseMultiplier: 2, epsilon: 1 })).toBeLessThan(
      analyticGaussianDelta({ noiseMultiplier: 1, epsilon: 1 }),
    );
    // delta(0) = 2 Phi(1/(2 sigma)) - 1 = 0.197... at sigma = 2
    expect(deterministicEpsilon({ noiseMultiplier: 2, epochs: 1, delta: 0.5 }).value).toBe(0);
  });

  test('tiny deltas stay finite and accurate in log space', () => {
    const r = analyticGaussianEpsilon({ noiseMultiplier: 1, delta: 1e-300 });
    expect(Number.isFinite(r.value)).toBe(true);
    expect(r.value).toBeGreaterThan(30);
    expect(analyticGaussianDelta({ noiseMultiplier: 1, epsilon: 1e4 })).toBe(0); // underflows honestly to 0
  });

  test('bad input is refused with the field named', () => {
    expect(() => deterministicEpsilon({ noiseMultiplier: -1, epochs: 1, delta: 1e-5 })).toThrow(InputError);
    expect(() => deterministicEpsilon({ noiseMultiplier: 1, epochs: 1.5, delta: 1e-5 })).toThrow(/epochs/);
    expect(() => deterministicDelta({ noiseMultiplier: 1, epochs: 1, epsilon: NaN })).toThrow(/epsilon/);
    expect(() => deterministicEpsilon({ noiseMultiplier: 1, epochs: 1, delta: 0 })).toThrow(/delta/);
  });
});
