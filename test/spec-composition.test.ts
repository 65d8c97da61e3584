/**
 * Heterogeneous composition through specs (issue 3): a spec's stages composed by the engine match
 * dp_accounting's heterogeneous composition (test/fixtures/mechanisms.json, PLDAccountant at interval
 * 1e-4, add/remove) within the core tolerances: the certified upper bound is never below PRV's certified
 * lower bound and at most 0.5% + 1e-4 above dp_accounting's pessimistic value; and a stage composed with
 * itself equals one stage of twice the steps. Also the library entry point (src/index.ts).
 */
import { readFileSync } from 'node:fs';
import { reference } from './helpers/reference.js';
import { accountPlan, planAccountant, parseSpec, planFromSpec, validateSpec, pldEpsilon, type Spec } from '../src/index.js';

interface HeterogeneousCase {
  description: string;
  pld_acc: { eps: Record<string, number>; delta: Record<string, number> };
  prv: { eps: Record<string, [number, number, number]>; delta: Record<string, [number, number, number]> };
}

const mechanisms = reference<{ heterogeneous: HeterogeneousCase[] }>('mechanisms.json');

/** the spec of "K x PoissonSampled(q=0.01, Gaussian(1)) + 50 x Laplace(10) + 1 x Gaussian(5)" */
function heterogeneousSpec(poissonSteps: number): Spec {
  return validateSpec({
    delta: 1e-5,
    stages: [
      { mechanism: { kind: 'gaussian', noiseMultiplier: 1 }, sampler: { kind: 'poisson', rate: 0.01 }, steps: poissonSteps },
      { mechanism: { kind: 'laplace', scale: 10, sensitivity: 1 }, steps: 50 },
      { mechanism: { kind: 'gaussian', noiseMultiplier: 5 }, steps: 1 },
    ],
  });
}

describe.each(mechanisms.heterogeneous.map((c) => [c.description, c] as const))('%s', (description, ref) => {
  const steps = Number(/^(\d+) x PoissonSampled/.exec(description)![1]);
  // composed once (on the first query), queried at every reference point; accounting is asynchronous
  // because the registry loads each accountant on first use
  const accountant = planAccountant(planFromSpec(heterogeneousSpec(steps)));

  test.each(Object.keys(ref.pld_acc.eps))('epsilon at delta = %s', async (delta) => {
    const r = await (await accountant).account({ quantity: 'epsilon', delta: Number(delta) });
    const dpAccounting = ref.pld_acc.eps[delta];
    const prvLower = ref.prv.eps[delta][0];
    expect(r.kind).toBe('upper');
    expect(r.upper!).toBeGreaterThanOrEqual(prvLower);
    expect(r.upper!).toBeLessThanOrEqual(dpAccounting * 1.005 + 1e-4);
    if (r.lower !== undefined) expect(r.lower).toBeLessThanOrEqual(r.upper!);
  });

  test.each(Object.keys(ref.pld_acc.delta))('delta at epsilon = %s', async (epsilon) => {
    const r = await (await accountant).account({ quantity: 'delta', epsilon: Number(epsilon) });
    const prvLower = ref.prv.delta[epsilon][0];
    expect(r.upper!).toBeGreaterThanOrEqual(prvLower);
    // delta tolerance: the same 0.5% relative as for epsilon, on dp_accounting's pessimistic value
    expect(r.upper!).toBeLessThanOrEqual(ref.pld_acc.delta[epsilon] * 1.005 + 1e-12);
  });
});

describe('a stage composed with itself equals one stage of the summed steps', () => {
  const mechanisms = [
    { kind: 'gaussian', noiseMultiplier: 1 },
    { kind: 'laplace', scale: 20 },
  ];
  test.each(mechanisms.map((m) => [m.kind, m] as const))('%s', async (_kind, mechanism) => {
    const sampler = mechanism.kind === 'gaussian' ? { sampler: { kind: 'poisson', rate: 0.05 } } : {};
    const split = planFromSpec(
      validateSpec({
        delta: 1e-6,
        stages: [
          { mechanism, ...sampler, steps: 10 },
          { mechanism, ...sampler, steps: 20 },
        ],
      }),
    );
    const whole = planFromSpec(validateSpec({ delta: 1e-6, stages: [{ mechanism, ...sampler, steps: 30 }] }));
    const a = await accountPlan(split);
    const b = await accountPlan(whole);
    // both are certified upper bounds of the same quantity from grids of interval 1e-4; they may differ by
    // discretization only (0.1% relative is far below the 0.5% engine tolerance)
    expect(Math.abs(a.value - b.value) / b.value).toBeLessThan(1e-3);
    // and each upper bound stays above the other's lower bound
    if (b.lower !== undefined) expect(a.value).toBeGreaterThanOrEqual(b.lower);
    if (a.lower !== undefined) expect(b.value).toBeGreaterThanOrEqual(a.lower);
  });
});

test('the library entry point: a spec file and the accountant called directly agree', async () => {
  const spec = parseSpec(readFileSync('examples/dpsgd-60k.json', 'utf8'), 'dpsgd-60k.json');
  const viaSpec = await accountPlan(planFromSpec(spec));
  const direct = pldEpsilon([{ mechanism: { kind: 'gaussian', noiseMultiplier: 1.1 }, poissonRate: 256 / 60000, steps: 14063 }], 1e-5);
  expect(viaSpec.value).toBe(direct.upper);
  expect(viaSpec.inputs).toMatchObject({ delta: 1e-5, privacyUnit: 'example' });
});
