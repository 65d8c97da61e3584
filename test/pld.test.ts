/**
 * The PLD accountant against independent tools (test/fixtures, copied from the shared reference set; each file says how it was made):
 * - dpsgd_poisson.json: dp_accounting 0.6.0 pessimistic PLD at interval 1e-4 and PRV accountant bounds;
 * - analytic_gaussian.json: the Balle-Wang formula in mpmath (50 digits);
 * - mechanisms.json: dp_accounting PLD/closed forms for Laplace, randomized response, heterogeneous lists;
 * - mixture_gaussian.json: single-step hockey-stick divergences in mpmath (40 digits).
 * Tolerances (issue 2): an upper bound is never below the certified PRV lower bound (or an exact value) and
 * at most 0.5% + 1e-4 above dp_accounting's pessimistic value; closed forms to 1e-9 relative.
 * The composed PLDs are computed in one plain-node child process (test/helpers/plainNode.ts, jest's VM is 2-3x
 * slower at this arithmetic) and asserted here.
 */
import { pldDelta, pldEpsilon } from '../accountants/pld.js';
import type { Stage } from '../src/mechanism.js';
import { gaussianLoss } from '../src/pld/lossModels.js';
import { analyticGaussianDelta, analyticGaussianEpsilon } from '../accountants/deterministic.js';

const gaussianDelta = (noiseMultiplier: number, epsilon: number) => analyticGaussianDelta({ noiseMultiplier, epsilon });
const gaussianEpsilon = (noiseMultiplier: number, delta: number) => analyticGaussianEpsilon({ noiseMultiplier, delta }).value;
import { reference } from './helpers/reference.js';
import { PlainNodeBatch } from './helpers/plainNode.js';
import type { PldAnswer, PldJob } from './figures/pld.js';

const composed = new PlainNodeBatch<PldJob, PldAnswer>('pld');

const dpsgd = (q: number, sigma: number, steps: number): Stage[] => [
  { mechanism: { kind: 'gaussian', noiseMultiplier: sigma }, poissonRate: q, steps },
];

/** float64 FFT rounding booked at +infinity by the accountant (the larger direction). */
function bookedRounding(f: { details: Readonly<Record<string, unknown>> }): number {
  const r = (d: unknown) => (d as { floatRounding?: number } | undefined)?.floatRounding ?? 0;
  return Math.max(r(f.details.remove), r(f.details.add));
}

/** Upper bound within the band around the pessimistic reference and above the certified floor. */
function expectUpperBand(upper: number, pessimistic: number | undefined, floor: number | undefined): void {
  if (pessimistic !== undefined) expect(upper).toBeLessThanOrEqual(pessimistic * 1.005 + 1e-4);
  if (floor !== undefined) expect(upper).toBeGreaterThanOrEqual(floor);
}

describe('DP-SGD (Poisson-subsampled Gaussian) against dp_accounting and PRV', () => {
  const rows = reference('dpsgd_poisson.json').rows as any[];
  // every configuration up to 10^4 steps; 10^5 steps for a few (the full table runs in the benchmark script)
  const keep = (r: any) => r.steps <= 10000 || (r.steps === 100000 && (r.q === 0.001 || r.q === 1));
  const groups = new Map<string, any[]>();
  for (const r of rows.filter(keep)) {
    const key = `q=${r.q} sigma=${r.sigma} steps=${r.steps}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [key, group] of groups) {
    const { q, sigma, steps } = group[0];
    // dp_accounting's figures are at a 1e-4 grid: so is this comparison (the precision target has its own tests)
    composed.add(key, { stages: dpsgd(q, sigma, steps), options: { discretization: 1e-4 }, epsilonAt: group.map((r) => r.delta) });
  }
  test.each([...groups.keys()])('%s', (key) => {
    const group = groups.get(key)!;
    const answer = composed.get(key);
    for (const [i, r] of group.entries()) {
      const f = answer.epsilon[i];
      expectUpperBand(f.upper, r.pld_pessimistic_1e4, r.prv_lower);
      // the lower bound is certified too: never above PRV's certified upper bound
      if (r.prv_upper !== undefined) expect(f.lower).toBeLessThanOrEqual(r.prv_upper);
      expect(f.lower).toBeLessThanOrEqual(f.upper);
      expect(Number.isFinite(f.upper)).toBe(true);
    }
  });

  composed.add('q=1e-4 sigma=0.8 steps=1e6', { stages: dpsgd(1e-4, 0.8, 1_000_000), epsilonAt: [1e-5] });
  test('q = 1e-4, sigma = 0.8, 10^6 steps: inside PRV interval, tighter than dp_accounting', () => {
    // issue 2: dp_accounting pessimistic 0.7246, PRV certified upper bound 0.7183 (delta = 1e-5)
    const f = composed.get('q=1e-4 sigma=0.8 steps=1e6').epsilon[0];
    expect(f.upper).toBeLessThanOrEqual(0.7183);
    expect(f.lower).toBeLessThanOrEqual(f.upper);
    expect(f.lower).toBeGreaterThan(0.6);
  });

  const deltaRows = reference('mechanisms.json').dpsgd_delta_for_eps as any[];
  for (const [i, row] of deltaRows.entries())
    composed.add(`delta(eps) row ${i}`, {
      stages: dpsgd(row.q, row.sigma, row.steps),
      deltaAt: Object.keys(row.pld_acc.delta).map(Number),
    });
  test('delta(eps) for q = 0.01, sigma = 1 (mechanisms.json, dp_accounting and PRV)', () => {
    for (const [i, row] of deltaRows.entries()) {
      const answer = composed.get(`delta(eps) row ${i}`);
      for (const [j, [eps, ref]] of (Object.entries(row.pld_acc.delta) as [string, number][]).entries()) {
        const f = answer.delta[j];
        const prv = row.prv?.delta?.[eps] as number[] | undefined;
        // float64 FFT rounding (~1e-12 here) is booked against the user; dp_accounting books none
        expect(f.upper).toBeLessThanOrEqual(ref * 1.005 + 1e-12 + bookedRounding(f));
        if (prv) expect(f.upper).toBeGreaterThanOrEqual(prv[0]);
        expect(f.lower).toBeLessThanOrEqual(f.upper);
      }
    }
  });
});

describe('Gaussian mechanism: closed form (mpmath, 50 digits)', () => {
  const ag = reference('analytic_gaussian.json');
  test('delta(eps) to 1e-9 relative', () => {
    for (const r of ag.delta_for_eps as any[]) {
      const exact = r.delta_exact_mpmath as number;
      const ours = gaussianDelta(r.sigma, r.eps);
      expect(Math.abs(ours - exact)).toBeLessThanOrEqual(1e-9 * exact + 1e-300);
    }
  });
  test('eps(delta) to 1e-9 relative, and never below the exact value', () => {
    for (const r of ag.eps_for_delta as any[]) {
      const ours = gaussianEpsilon(r.sigma, r.delta);
      expect(Math.abs(ours - r.eps_exact_mpmath)).toBeLessThanOrEqual(1e-9 * r.eps_exact_mpmath);
    }
  });
  test('k-fold composition = one Gaussian at sigma/sqrt(k), reported as exact', () => {
    for (const r of ag.composition_k_fold_equals_sigma_over_sqrt_k as any[]) {
      const f = pldEpsilon([{ mechanism: { kind: 'gaussian', noiseMultiplier: r.sigma }, steps: r.k }], r.delta);
      expect(f.kind).toBe('exact');
      expect(Math.abs(f.upper - r.eps_exact_mpmath)).toBeLessThanOrEqual(1e-9 * r.eps_exact_mpmath);
    }
  });
});

describe('single-step loss models against mpmath hockey-stick divergences', () => {
  test('Poisson-subsampled Gaussian, both directions, to 1e-9 relative (+1e-15)', () => {
    for (const r of reference('mixture_gaussian.json').single_step as any[]) {
      if (r.kind !== 'subsampled_gaussian') continue;
      const model = gaussianLoss(r.sigma, r.q, r.direction === 'REMOVE' ? 'remove' : 'add');
      (r.eps as number[]).forEach((eps, i) => {
        const a = model.above(eps);
        const delta = Math.max(0, a.p - Math.exp(eps) * a.q);
        expect(Math.abs(delta - r.delta_mpmath[i])).toBeLessThanOrEqual(1e-9 * r.delta_mpmath[i] + 1e-15);
      });
    }
  });
});

describe('other mechanisms (mechanisms.json)', () => {
  const mech = reference('mechanisms.json');
  for (const [i, r] of (mech.laplace as any[]).entries()) {
    composed.add(`laplace ${i}`, {
      stages: [{ mechanism: { kind: 'laplace', scale: r.scale_b, sensitivity: r.sensitivity }, steps: r.k }],
      epsilonAt: Object.keys(r.pld_acc.eps).map(Number),
      deltaAt: Object.keys(r.pld_acc.delta).map(Number),
    });
  }
  test('Laplace k-fold against dp_accounting (and the exact single step)', () => {
    for (const [i, r] of (mech.laplace as any[]).entries()) {
      const acc = composed.get(`laplace ${i}`);
      for (const [j, [d, ref]] of (Object.entries(r.pld_acc.eps) as [string, number][]).entries()) {
        const f = acc.epsilon[j];
        expectUpperBand(f.upper, ref, r.exact?.eps?.[d] ?? r.prv?.eps?.[d]?.[0]);
      }
      for (const [j, [e, ref]] of (Object.entries(r.pld_acc.delta) as [string, number][]).entries()) {
        const f = acc.delta[j];
        expect(f.upper).toBeLessThanOrEqual(Math.min(1, ref * 1.005 + 1e-12));
        if (r.exact?.delta?.[e] !== undefined) expect(f.upper).toBeGreaterThanOrEqual(r.exact.delta[e] * (1 - 1e-12));
      }
    }
  });
  for (const [i, r] of (mech.randomized_response as any[]).entries()) {
    const stages: Stage[] = [
      { mechanism: { kind: 'randomized-response', noiseParameter: r.noise_parameter, categories: r.num_buckets }, steps: r.k },
    ];
    composed.add(`randomized response ${i}`, {
      stages,
      options: { adjacency: 'replace-one' },
      epsilonAt: Object.keys(r.exact.eps).map(Number),
    });
  }
  test('randomized response (replace-one) against the exact multinomial sum', () => {
    for (const [i, r] of (mech.randomized_response as any[]).entries()) {
      const acc = composed.get(`randomized response ${i}`);
      for (const [j, [d, exact]] of (Object.entries(r.exact.eps) as [string, number][]).entries()) {
        const f = acc.epsilon[j];
        // dp_accounting's own n-fold PLD (pld_self_compose) is the pessimistic reference
        expectUpperBand(f.upper, r.pld_self_compose?.eps?.[d] ?? r.pld_acc.eps[d], exact * (1 - 1e-12));
      }
    }
  });
  const [small, large] = mech.heterogeneous as any[];
  const heterogeneous = [
    [small, 100],
    [large, 1000],
  ] as const;
  for (const [row, steps] of heterogeneous) {
    const stages: Stage[] = [
      { mechanism: { kind: 'gaussian', noiseMultiplier: 1 }, poissonRate: 0.01, steps },
      { mechanism: { kind: 'laplace', scale: 10 }, steps: 50 },
      { mechanism: { kind: 'gaussian', noiseMultiplier: 5 }, steps: 1 },
    ];
    composed.add(`heterogeneous ${steps}`, {
      stages,
      epsilonAt: Object.keys(row.pld_acc.eps).map(Number),
      deltaAt: Object.keys(row.pld_acc.delta).map(Number),
    });
  }
  test('heterogeneous composition: Poisson DP-SGD + Laplace + Gaussian', () => {
    for (const [row, steps] of heterogeneous) {
      const acc = composed.get(`heterogeneous ${steps}`);
      for (const [j, [d, ref]] of (Object.entries(row.pld_acc.eps) as [string, number][]).entries())
        expectUpperBand(acc.epsilon[j].upper, ref, row.prv.eps[d][0]);
      for (const [j, [e, ref]] of (Object.entries(row.pld_acc.delta) as [string, number][]).entries()) {
        const f = acc.delta[j];
        expect(f.upper).toBeLessThanOrEqual(ref * 1.005 + 1e-12);
        expect(f.upper).toBeGreaterThanOrEqual(row.prv.delta[e][0]);
      }
    }
  });
  const one: Stage = { mechanism: { kind: 'gaussian', noiseMultiplier: 1 }, poissonRate: 0.01, steps: 300 };
  composed.add('300 steps as 3 x 100', {
    stages: [
      { ...one, steps: 100 },
      { ...one, steps: 100 },
      { ...one, steps: 100 },
    ],
    epsilonAt: [1e-5],
  });
  composed.add('300 steps as one stage', { stages: [one], epsilonAt: [1e-5] });
  test('composing a stage with itself k times equals one stage of k steps', () => {
    const split = composed.get('300 steps as 3 x 100').epsilon[0].upper;
    const whole = composed.get('300 steps as one stage').epsilon[0].upper;
    expect(Math.abs(split - whole)).toBeLessThanOrEqual(1e-3 * whole);
  });
});

describe('properties', () => {
  const key = (q: number, sigma: number, steps: number) => `property q=${q} sigma=${sigma} steps=${steps}`;
  const configs = [
    ...[0.6, 0.8, 1, 1.5, 3].map((s) => [0.01, s, 500]),
    ...[10, 100, 1000].map((t) => [0.01, 1, t]),
    ...[0.001, 0.01, 0.1].map((q) => [q, 1, 100]),
  ];
  for (const [q, sigma, steps] of configs)
    if (!composed.has(key(q, sigma, steps))) composed.add(key(q, sigma, steps), { stages: dpsgd(q, sigma, steps), epsilonAt: [1e-5] });
  const eps = (q: number, sigma: number, steps: number) => composed.get(key(q, sigma, steps)).epsilon[0].upper;
  test('eps falls as sigma grows', () => {
    const values = [0.6, 0.8, 1, 1.5, 3].map((s) => eps(0.01, s, 500));
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThan(values[i - 1]);
  });
  test('eps rises with steps and with q', () => {
    const bySteps = [10, 100, 1000].map((t) => eps(0.01, 1, t));
    for (let i = 1; i < bySteps.length; i++) expect(bySteps[i]).toBeGreaterThan(bySteps[i - 1]);
    const byQ = [0.001, 0.01, 0.1].map((q) => eps(q, 1, 100));
    for (let i = 1; i < byQ.length; i++) expect(byQ[i]).toBeGreaterThan(byQ[i - 1]);
  });
  test('q = 1 is the plain Gaussian', () => {
    const f = pldEpsilon(dpsgd(1, 2, 10), 1e-5);
    expect(f.kind).toBe('exact');
    expect(Math.abs(f.upper - gaussianEpsilon(2 / Math.sqrt(10), 1e-5))).toBeLessThan(1e-12);
  });
  test('an (eps, delta) step with a larger delta has no finite epsilon, said as Infinity', () => {
    const f = pldEpsilon([{ mechanism: { kind: 'eps-delta', epsilon: 1, delta: 1e-3 }, steps: 1 }], 1e-5);
    expect(f.upper).toBe(Infinity);
  });
  test('delta at a large eps is only the booked tail and rounding: tiny, never negative or NaN', () => {
    const f = pldDelta(dpsgd(0.01, 1, 100), 50, { discretization: 1e-4 });
    expect(f.upper).toBeGreaterThanOrEqual(0);
    expect(f.upper).toBeLessThanOrEqual(1e-15 + bookedRounding(f));
    expect(f.upper).toBeLessThan(1e-12);
    expect(f.lower).toBeGreaterThanOrEqual(0);
  });
  test('bad input names the field', () => {
    expect(() => pldEpsilon(dpsgd(1.5, 1, 10), 1e-5)).toThrow(/stages\[0\].poissonRate: expected a number in \(0, 1\], got 1.5/);
    expect(() => pldEpsilon(dpsgd(0.1, -1, 10), 1e-5)).toThrow(/stages\[0\].mechanism.noiseMultiplier: expected a finite number > 0/);
    expect(() => pldEpsilon(dpsgd(0.1, 1, 2.5), 1e-5)).toThrow(/stages\[0\].steps: expected a positive integer/);
    expect(() => pldEpsilon(dpsgd(0.1, 1, 10), 2)).toThrow(/delta: expected a number in \(0, 1\)/);
  });
});
