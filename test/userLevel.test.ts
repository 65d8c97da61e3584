/**
 * User-level privacy (privacyUnit "user", examplesPerUser k): with Poisson-sampled examples a user's step is the
 * mixture of Gaussians with Binomial(k, q) weights (arXiv 2401.10294; jax_privacy's user-level accountant), checked
 * against dp_accounting's MixtureOfGaussiansDpEvent rows of events.json that were built that way (`user_level`).
 */
import { reference } from './helpers/reference.js';
import { accountPlan } from '../src/spec/evaluate.js';
import { planFromSpec } from '../src/spec/plan.js';
import { validateSpec } from '../src/spec/validate.js';
import { binomialWeights, userLevelMechanism } from '../src/userLevel.js';

const userRows: any[] = reference('events.json').rows.filter((r: any) => r.user_level !== undefined);
const spec = (k: number | undefined, q: number, sigma: number, steps: number, delta: number, discretization = 1e-4) =>
  validateSpec({
    delta,
    ...(k !== undefined ? { privacyUnit: 'user', examplesPerUser: k } : {}),
    accountant: { name: 'pld', discretization },
    stages: [{ mechanism: { kind: 'gaussian', noiseMultiplier: sigma }, sampler: { kind: 'poisson', rate: q }, steps }],
  });

test("the Binomial(k, q) weights are the rows' sampling probabilities", () => {
  expect(userRows.length).toBeGreaterThanOrEqual(2);
  for (const r of userRows) {
    const w = binomialWeights(r.user_level.k, r.user_level.q);
    r.event.sampling_probs.forEach((p: number, j: number) => expect(Math.abs(w[j] - p)).toBeLessThanOrEqual(1e-15 + 1e-12 * p));
    expect(r.event.sensitivities).toEqual(w.map((_, j) => j));
  }
});

test.each(userRows.map((r) => [r.user_level.k, r.user_level.q, r]))(
  "k = %d, q = %d: between dp_accounting's optimistic and pessimistic(+0.1%) figures",
  async (_k, _q, r: any) => {
    const u = r.user_level;
    const result = await accountPlan(planFromSpec(spec(u.k, u.q, u.sigma, r.count, r.delta, r.interval)));
    expect(result.value).toBeLessThanOrEqual(r.pld_pessimistic_eps * 1.001);
    expect(result.value).toBeGreaterThanOrEqual(r.pld_optimistic_eps);
    expect(result.inputs.privacyUnit).toBe('user');
  },
);

test('k = 1 is the example-level figure, and epsilon grows with k', async () => {
  const at = async (k: number | undefined) => (await accountPlan(planFromSpec(spec(k, 0.01, 1, 50, 1e-6, 1e-3)))).value;
  const example = await at(undefined);
  expect(await at(1)).toBe(example);
  const [two, four] = [await at(2), await at(4)];
  expect(two).toBeGreaterThan(example * 1.2);
  expect(four).toBeGreaterThan(two * 1.2);
});

test('sound conversions elsewhere, refusals where none is implemented', () => {
  const gaussian = { kind: 'gaussian', noiseMultiplier: 2 } as const;
  expect(userLevelMechanism({ mechanism: gaussian, sampler: 'deterministic' }, 3)).toEqual({ ...gaussian, sensitivity: 3 });
  expect(userLevelMechanism({ mechanism: { kind: 'exponential', epsilon: 0.1 }, sampler: 'none' }, 3)).toEqual({
    kind: 'exponential',
    epsilon: 0.1 * 3,
  });
  expect(userLevelMechanism({ mechanism: { kind: 'zcdp', rho: 0.01 }, sampler: 'none' }, 3)).toEqual({ kind: 'zcdp', rho: 0.09 });
  expect(userLevelMechanism({ mechanism: { kind: 'laplace', scale: 1 }, sampler: 'poisson', poissonRate: 0.1 }, 2)).toMatch(
    /gaussian mechanisms only/,
  );
  expect(userLevelMechanism({ mechanism: { kind: 'eps-delta', epsilon: 1, delta: 1e-6 }, sampler: 'none' }, 2)).toMatch(/delta > 0/);
  expect(() =>
    planFromSpec(
      validateSpec({
        delta: 1e-5,
        privacyUnit: 'user',
        examplesPerUser: 2,
        stages: [{ mechanism: { kind: 'randomized-response', categories: 2, noiseParameter: 0.5 }, steps: 1 }],
      }),
    ),
  ).toThrow(/stages\[0\]: no user-level conversion of the randomized-response mechanism/);
});
