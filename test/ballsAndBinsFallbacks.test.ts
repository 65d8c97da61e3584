/**
 * The cheaper balls-and-bins bounds of Feldman & Shenfeld 2025 (`--method decomposition|rdp`), against
 * test/fixtures/bnb_fallbacks.json (their public package run as an oracle: the remove-direction RDP at integer
 * orders, the decomposition through Poisson subsampling, the direct RDP epsilon), and the property that each
 * fallback upper bound is at least the certified lower bound of the default PLD interval (the fallbacks are
 * looser than the PLD's upper bound, so only the lower one is a check).
 */
import { decompositionBound, type DecompositionFigure } from '../accountants/ballsAndBins/decomposition.js';
import { allocationRdpDelta, allocationRdpEpsilon, removeRdpOneEpoch } from '../accountants/ballsAndBins/rdpBound.js';
import { AccountingError } from '../src/errors.js';
import { cli } from './cliHelpers.js';
import { reference } from './helpers/reference.js';
import { PlainNodeBatch } from './helpers/plainNode.js';
import type { FallbackAnswer, FallbackJob } from './figures/fallbacks.js';

interface Setting {
  steps_per_epoch: number;
  sigma: number;
  epochs: number;
}
const oracle = reference<{
  rdp_remove: (Setting & { alpha: number; rdp: number })[];
  decomposition_epsilon: (Setting & { delta: number; remove: number; add: number })[];
  decomposition_delta: (Setting & { epsilon: number; remove: number; add: number })[];
  direct_epsilon: (Setting & { delta: number; remove: number; add: number })[];
}>('bnb_fallbacks.json');

const setting = (r: Setting) => ({ noiseMultiplier: r.sigma, stepsPerEpoch: r.steps_per_epoch, epochs: r.epochs });

describe('remove-direction RDP of one epoch (FS25 partition sums)', () => {
  test('every order of the oracle within 1e-9 relative, never below it', () => {
    const curves = new Map<string, ReturnType<typeof removeRdpOneEpoch>>();
    for (const r of oracle.rdp_remove) {
      const key = `${r.sigma}/${r.steps_per_epoch}`;
      if (!curves.has(key)) curves.set(key, removeRdpOneEpoch(r.sigma, r.steps_per_epoch));
      const ours = curves.get(key)!.rdp[r.alpha - 2];
      expect(ours).toBeGreaterThanOrEqual(r.rdp);
      expect((ours - r.rdp) / r.rdp).toBeLessThan(1e-9);
    }
  });
});

describe('the RDP method (remove: RDP; add: shifted Gaussian)', () => {
  test.each(oracle.direct_epsilon.map((r) => [r.steps_per_epoch, r.sigma, r.epochs, r.delta, r] as const))(
    'T %p, sigma %p, %p epochs, delta %p: the remove epsilon matches the oracle within 1e-6',
    (_T, _s, _E, _d, r) => {
      const f = allocationRdpEpsilon(setting(r), r.delta);
      // orders 2..256 here, 2..40 in the oracle: the best order is below 40 in these rows, so the same figure
      expect(Math.abs(f.remove - r.remove) / r.remove).toBeLessThan(1e-6);
      // the add direction: the analytic Gaussian here, their numerical Gaussian search there (within 2e-3);
      // they add the shift once for all epochs, this module once per epoch (see rdpBound.ts)
      const extraShift = ((r.epochs - 1) * (1 - 1 / r.steps_per_epoch)) / (2 * r.sigma * r.sigma);
      expect(Math.abs(f.add - extraShift - r.add)).toBeLessThan(2e-3);
      expect(f.upper).toBe(Math.max(f.remove, f.add));
    },
  );

  test('delta(eps) and eps(delta) agree: delta at the certified epsilon is at most the delta asked', () => {
    const s = { noiseMultiplier: 0.8, stepsPerEpoch: 50, epochs: 3 };
    const e = allocationRdpEpsilon(s, 1e-6);
    const d = allocationRdpDelta(s, e.upper);
    expect(d.upper).toBeLessThanOrEqual(1e-6 * (1 + 1e-9));
    expect(allocationRdpDelta(s, e.upper * 0.9).upper).toBeGreaterThan(1e-6);
  });
});

// the decomposition's Poisson PLDs and the default PLD's lower bounds are computed in one plain-node process
const heavy = new PlainNodeBatch<FallbackJob, FallbackAnswer>('fallbacks');
// a fixed grid of 1e-3 keeps the Poisson PLD cheap; their figures are at 1e-4 (both are upper bounds)
const options = { discretization: 1e-3 };
oracle.decomposition_epsilon.forEach((r, i) =>
  heavy.add(`eps ${i}`, { kind: 'decomposition', setting: setting(r), options, epsilonAt: [r.delta] }),
);
oracle.decomposition_delta.forEach((r, i) =>
  heavy.add(`delta ${i}`, { kind: 'decomposition', setting: setting(r), options, deltaAt: [r.epsilon] }),
);
const fig = (key: string, which: 'epsilon' | 'delta') => heavy.get(key)[which][0] as DecompositionFigure;

describe('the decomposition through Poisson subsampling (one epoch)', () => {
  test.each(oracle.decomposition_epsilon.map((r, i) => [r.steps_per_epoch, r.sigma, r.delta, r, i] as const))(
    'T %p, sigma %p, delta %p: epsilon per direction within 1e-3 (remove) and 3e-3 (add) relative of the oracle',
    (_T, _s, _d, r, i) => {
      const f = fig(`eps ${i}`, 'epsilon');
      expect(Math.abs(f.remove - r.remove) / r.remove).toBeLessThan(1e-3);
      expect(Math.abs(f.add - r.add) / r.add).toBeLessThan(3e-3);
      expect(f.upper).toBe(Math.max(f.remove, f.add));
    },
  );

  test.each(oracle.decomposition_delta.map((r, i) => [r.steps_per_epoch, r.sigma, r.epsilon, r, i] as const))(
    'T %p, sigma %p, eps %p: delta per direction within 1% of the oracle (where above 1e-9)',
    (_T, _s, _e, r, i) => {
      const f = fig(`delta ${i}`, 'delta');
      expect(Math.abs(f.remove - r.remove) / r.remove).toBeLessThan(1e-2);
      if (r.add > 1e-9) expect(Math.abs(f.add - r.add) / r.add).toBeLessThan(1e-2);
    },
  );

  test('more than one epoch is refused with the reason', () => {
    expect(() => decompositionBound({ noiseMultiplier: 1, stepsPerEpoch: 10, epochs: 2 }, options)).toThrow(AccountingError);
    expect(() => decompositionBound({ noiseMultiplier: 1, stepsPerEpoch: 10, epochs: 2 }, options)).toThrow(/one epoch, not 2/);
  });
});

describe('each fallback upper bound is at least the PLD lower bound', () => {
  const cases = [
    [1, 10, 1, 1e-5],
    [0.7, 20, 1, 1e-6],
    [1, 10, 4, 1e-5],
  ] as const;
  for (const [sigma, T, E, delta] of cases) {
    const s = { noiseMultiplier: sigma, stepsPerEpoch: T, epochs: E };
    heavy.add(`lower ${sigma} ${T} ${E}`, { kind: 'pld-lower', setting: s, interval: 5e-3, epsilonAt: [delta], deltaAt: [1] });
    if (E === 1) heavy.add(`dec ${sigma} ${T}`, { kind: 'decomposition', setting: s, options, epsilonAt: [delta], deltaAt: [1] });
  }
  test.each(cases)('sigma %p, T %p, %p epochs, delta %p', (sigma, T, E, delta) => {
    const s = { noiseMultiplier: sigma, stepsPerEpoch: T, epochs: E };
    const lower = heavy.get(`lower ${sigma} ${T} ${E}`);
    const [lowerEps, lowerDelta] = [lower.epsilon[0] as number, lower.delta[0] as number];
    expect(lowerEps).toBeGreaterThan(0);
    expect(allocationRdpEpsilon(s, delta).upper).toBeGreaterThanOrEqual(lowerEps);
    expect(allocationRdpDelta(s, 1).upper).toBeGreaterThanOrEqual(lowerDelta);
    if (E === 1) {
      expect(fig(`dec ${sigma} ${T}`, 'epsilon').upper).toBeGreaterThanOrEqual(lowerEps);
      expect(fig(`dec ${sigma} ${T}`, 'delta').upper).toBeGreaterThanOrEqual(lowerDelta);
    }
  });
});

describe('the PLD interval under an explicit precision target', () => {
  const flags = { sigma: 2, stepsPerEpoch: 2, epochs: 1 };
  heavy.add('default grid', { kind: 'accountant', flags, delta: 1e-5 });
  heavy.add('precision 1e-3', { kind: 'accountant', flags: { ...flags, precision: 1e-3 }, delta: 1e-5 });
  test('a finer log grid meets the target: the interval only narrows, and the figure says so', () => {
    const plain = heavy.get('default grid').figure!;
    const refined = heavy.get('precision 1e-3').figure!;
    expect(plain.details.relativeWidth).toBeGreaterThan(1e-3);
    expect(plain.details.precision).toBeUndefined();
    expect(refined.details).toMatchObject({ precision: 1e-3, precisionReached: true });
    expect(refined.details.relativeWidth).toBeLessThanOrEqual(1e-3);
    expect(refined.details.interval).toBeLessThan(plain.details.interval as number);
    expect(refined.upper!).toBeLessThanOrEqual(plain.upper!);
    expect(refined.lower!).toBeGreaterThanOrEqual(plain.lower!);
  });
});

describe('--method on the command line and accountant.method in specs', () => {
  const base = ['epsilon', '--sampler', 'balls-and-bins', '--sigma', '1', '--steps-per-epoch', '10', '--delta', '1e-5'];

  test('each figure is labelled with its method and kind in JSON and in the table', async () => {
    for (const method of ['decomposition', 'rdp']) {
      const r = await cli([...base, '--epochs', '1', '--method', method, '--discretization', '1e-3', '--json']);
      expect(r.exitCode).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.kind).toBe('upper');
      expect(j.accountant.name).toBe(`balls-and-bins ${method}`);
      expect(j.details.methodName).toBe(method);
      expect(j.lower).toBeUndefined();
      const table = await cli([...base, '--epochs', '1', '--method', method, '--discretization', '1e-3']);
      expect(table.stdout).toMatch(/upper bound/);
      expect(table.stdout).toContain(`accountant: balls-and-bins ${method}`);
    }
  });

  test('compare labels the balls-and-bins row with its method', async () => {
    const args = ['compare', '--sigma', '1', '--steps-per-epoch', '10', '--epochs', '1', '--delta', '1e-5', '--method', 'rdp'];
    const table = await cli(args);
    expect(table.stdout).toMatch(/balls-and-bins \(rdp\)\s+<= [0-9.]+\s+upper/);
    const json = JSON.parse((await cli([...args, '--json'])).stdout);
    const row = json.samplers.find((s: { sampler: string }) => s.sampler === 'balls-and-bins');
    expect(row).toMatchObject({ method: 'rdp', kind: 'upper' });
  });

  test('calibrate --method rdp returns a sufficient sigma from the RDP bound', async () => {
    const args = ['calibrate', '--sampler', 'balls-and-bins', '--epsilon', '3', '--delta', '1e-5', '--steps-per-epoch', '10'];
    const r = await cli([...args, '--epochs', '2', '--method', 'rdp', '--json']);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.guarantee).toBe('sufficient');
    expect(j.accountant.name).toBe('balls-and-bins rdp');
    const at = (sigma: number) => allocationRdpEpsilon({ noiseMultiplier: sigma, stepsPerEpoch: 10, epochs: 2 }, 1e-5).upper;
    expect(at(j.value)).toBeLessThanOrEqual(3);
    expect(at(j.value * 0.99)).toBeGreaterThan(3);
  });

  test('the decomposition refuses several epochs (exit 3, with the reason)', async () => {
    const r = await cli([...base, '--epochs', '2', '--method', 'decomposition']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/one epoch, not 2.*--method pld/);
  });

  test('bad values and other samplers name the flag or the spec path with the allowed values (exit 2)', async () => {
    const bad = await cli([...base, '--epochs', '1', '--method', 'fast']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--method: expected one of pld, decomposition, rdp, got "fast"');
    const poisson = await cli(['epsilon', '--sigma', '1', '--sampling-rate', '0.1', '--steps', '10', '--delta', '1e-5', '--method', 'rdp']);
    expect(poisson.exitCode).toBe(2);
    expect(poisson.stderr).toMatch(/--method: only with --sampler balls-and-bins/);
    const stage = {
      mechanism: { kind: 'gaussian', noiseMultiplier: 1 },
      sampler: { kind: 'balls-and-bins', stepsPerEpoch: 10 },
      epochs: 1,
    };
    const spec = (method: unknown, stages = [stage]) => JSON.stringify({ delta: 1e-5, accountant: { method }, stages });
    const wrong = await cli(['run', '-'], { stdin: spec('fast') });
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toMatch(/accountant\.method: .*pld.*decomposition.*rdp/);
    const twoStages = await cli(['run', '-'], { stdin: spec('rdp', [stage, stage]) });
    expect(twoStages.exitCode).toBe(2);
    expect(twoStages.stderr).toMatch(/accountant\.method: .*one balls-and-bins stage/);
    const ok = await cli(['run', '-', '--json'], { stdin: spec('rdp') });
    expect(ok.exitCode).toBe(0);
    expect(JSON.parse(ok.stdout).details.methodName).toBe('rdp');
  });
});
