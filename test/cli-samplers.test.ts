/**
 * Batch samplers from the command line (issue 4): every figure keeps its kind, shuffling is said to be a
 * lower bound, calibration says sufficient or necessary, and `check` handles lower-bound-only figures.
 */
import { cli } from './cliHelpers.js';

const setting = ['--sigma', '1', '--steps-per-epoch', '10', '--epochs', '1'];

test('compare: every sampler with its kind and the ratio to Poisson', async () => {
  const r = await cli(['compare', ...setting, '--delta', '1e-5', '--json', '--discretization', '1e-3']);
  expect(r.stderr).toBe('');
  const j = JSON.parse(r.stdout);
  expect(j).toMatchObject({ command: 'compare', quantity: 'epsilon', schemaVersion: 1 });
  const kinds = Object.fromEntries(j.samplers.map((s: { sampler: string; kind: string }) => [s.sampler, s.kind]));
  expect(kinds).toEqual({
    deterministic: 'exact',
    shuffle: 'lower',
    'persistent-shuffle': 'lower',
    poisson: 'upper',
    'balls-and-bins': 'upper',
  });
  const poisson = j.samplers.find((s: { sampler: string }) => s.sampler === 'poisson');
  expect(poisson.ratioToPoisson).toBe(1);
  for (const s of j.samplers) expect(s.ratioToPoisson).toBeCloseTo(s.epsilon / poisson.epsilon, 12);
  // ABLQ property: the shuffle lower bound never exceeds the deterministic (exact) figure
  const by = (name: string) => j.samplers.find((s: { sampler: string }) => s.sampler === name).epsilon;
  expect(by('shuffle')).toBeLessThanOrEqual(by('deterministic'));
  const table = await cli(['compare', ...setting, '--delta', '1e-5', '--discretization', '1e-3']);
  expect(table.stdout).toMatch(/shuffle +>= [\d.]+ +lower/);
  expect(table.stdout).toMatch(/lower bounds/);
});

test('compare: bad input names the flag', async () => {
  expect((await cli(['compare', ...setting])).stderr).toBe(
    'error: give --delta (to compare epsilons) or --epsilon (to compare deltas), one of the two\n',
  );
  expect((await cli(['compare', '--sigma', '1', '--steps-per-epoch', '10', '--epochs', '1.5', '--delta', '1e-5'])).stderr).toBe(
    'error: --epochs: expected a whole number > 0, got 1.5\n',
  );
});

test('epsilon --sampler shuffle is a labelled lower bound', async () => {
  const r = await cli(['epsilon', ...setting, '--sampler', 'shuffle', '--delta', '1e-5', '--json']);
  const j = JSON.parse(r.stdout);
  expect(j.kind).toBe('lower');
  expect(j.lower).toBe(j.epsilon);
  expect(j.upper).toBeUndefined();
  expect(j.notes.join(' ')).toMatch(/lower bound/);
  const table = await cli(['epsilon', ...setting, '--sampler', 'shuffle', '--delta', '1e-5']);
  expect(table.stdout).toMatch(/^epsilon >= [\d.]+ lower bound/);
});

test('epsilon --sampler deterministic is exact (a Gaussian at sigma/sqrt(E))', async () => {
  const det = JSON.parse(
    (
      await cli([
        'epsilon',
        '--sigma',
        '2',
        '--sampler',
        'deterministic',
        '--steps-per-epoch',
        '10',
        '--epochs',
        '4',
        '--delta',
        '1e-5',
        '--json',
      ])
    ).stdout,
  );
  const gauss = JSON.parse(
    (await cli(['epsilon', '--sigma', '1', '--sampling-rate', '1', '--steps', '1', '--delta', '1e-5', '--json'])).stdout,
  );
  expect(det.kind).toBe('exact');
  expect(det.epsilon).toBeCloseTo(gauss.epsilon, 9);
});

test('calibrate: shuffle gives a necessary sigma, deterministic a sufficient one', async () => {
  const args = ['calibrate', '--epsilon', '2', '--delta', '1e-5', '--steps-per-epoch', '10', '--epochs', '1', '--json'];
  const shuffle = JSON.parse((await cli([...args, '--sampler', 'shuffle'])).stdout);
  expect(shuffle).toMatchObject({ parameter: 'sigma', guarantee: 'necessary', kind: 'lower' });
  const det = JSON.parse((await cli([...args, '--sampler', 'deterministic'])).stdout);
  expect(det).toMatchObject({ parameter: 'sigma', guarantee: 'sufficient', kind: 'exact' });
  expect(det.epsilon).toBeLessThanOrEqual(2);
  expect(shuffle.value).toBeLessThanOrEqual(det.value);
  const table = await cli([...args.filter((a) => a !== '--json'), '--sampler', 'shuffle']);
  expect(table.stdout).toMatch(/necessary: a certified lower bound/);
  expect((await cli([...args, '--sampler', 'shuffle', '--target', 'epochs'])).stderr).toMatch(
    /--target epochs: with --sampler shuffle only --target sigma is supported/,
  );
});

test('check with a shuffling sampler: exit 1 when the lower bound already exceeds the budget, else exit 3', async () => {
  const spec = (epsilon: number) =>
    JSON.stringify({
      budget: { epsilon, delta: 1e-5 },
      stages: [{ mechanism: { kind: 'gaussian', noiseMultiplier: 1 }, sampler: { kind: 'shuffle', stepsPerEpoch: 10 }, epochs: 1 }],
    });
  const over = await cli(['check', '-'], { stdin: spec(0.1) });
  expect(over.exitCode).toBe(1);
  expect(over.stdout).toMatch(/^over budget: epsilon >= [\d.]+ \(certified lower bound; no upper bound is known for this sampler\)/);
  const unknown = await cli(['check', '-'], { stdin: spec(100) });
  expect(unknown.exitCode).toBe(3);
  expect(unknown.stderr).toMatch(/^error: cannot certify: no certified upper bound on epsilon/);
});

describe('balls-and-bins: a certified interval, Monte Carlo beside it when asked (issues 5 and 11)', () => {
  const bnb = ['--sigma', '1', '--sampler', 'balls-and-bins', '--steps-per-epoch', '10', '--epochs', '1'];

  test('epsilon: the certified interval is the headline; the estimate (seeded) sits beside it', async () => {
    const run = async (seed: string) =>
      JSON.parse((await cli(['epsilon', ...bnb, '--delta', '1e-3', '--samples', '20000', '--seed', seed, '--json'])).stdout);
    const a = await run('1');
    expect(a).toMatchObject({
      kind: 'upper',
      accountant: { name: 'balls-and-bins pld', settings: { monteCarlo: { samples: 20000, seed: 1 } } },
    });
    expect(a.lower).toBeLessThanOrEqual(a.epsilon);
    expect(a.epsilon).toBe(a.upper);
    expect(a.details.monteCarlo).toMatchObject({ kind: 'estimate', confidence: 0.99 });
    expect(a.notes.join(' ')).toMatch(/Monte Carlo estimate beside it \(not a certified bound\).*probability at least 0\.99/);
    expect((await run('1')).details.monteCarlo.value).toBe(a.details.monteCarlo.value);
    const delta = async (seed: string) =>
      JSON.parse((await cli(['delta', ...bnb, '--epsilon', '1', '--samples', '5000', '--seed', seed, '--json'])).stdout);
    const [d1, d1again, d2] = [await delta('1'), await delta('1'), await delta('2')];
    expect(d1.kind).toBe('upper');
    expect(d1again.details.monteCarlo.value).toBe(d1.details.monteCarlo.value);
    expect(d2.details.monteCarlo.mean).not.toBe(d1.details.monteCarlo.mean);
    // without --samples no Monte Carlo runs
    const plain = JSON.parse((await cli(['epsilon', ...bnb, '--delta', '1e-3', '--json'])).stdout);
    expect(plain.details.monteCarlo).toBeUndefined();
    expect(plain.epsilon).toBe(a.epsilon);
  });

  test('a delta Monte Carlo cannot resolve still gets its certified upper bound', async () => {
    const r = await cli(['epsilon', ...bnb, '--delta', '1e-9', '--samples', '1000', '--json']);
    const j = JSON.parse(r.stdout);
    expect(j.kind).toBe('upper');
    expect(Number.isFinite(j.epsilon)).toBe(true);
    expect(j.details.monteCarlo.resolved).toBe(false);
    expect(j.notes.join(' ')).toMatch(/Monte Carlo estimate beside it \(not a certified bound\): not resolved/);
  });

  test('Monte Carlo flags only with balls-and-bins', async () => {
    const r = await cli(['epsilon', '--sigma', '1', '--sampling-rate', '0.1', '--steps', '10', '--delta', '1e-5', '--samples', '100']);
    expect(r).toEqual({ stdout: '', stderr: 'error: --samples: only with --sampler balls-and-bins (Monte Carlo)\n', exitCode: 2 });
    expect((await cli(['epsilon', ...bnb, '--delta', '1e-3', '--confidence', '1'])).stderr).toBe(
      'error: --confidence: expected a number in (0, 1), got 1\n',
    );
  });

  test('progress goes to a terminal stderr, never with --quiet or when piped', async () => {
    const seen: string[] = [];
    const args = ['delta', ...bnb, '--epsilon', '1', '--samples', '10000'];
    await cli(args, { stderrTty: true, progress: (t) => seen.push(t) });
    // the bar may be too quick to draw on a fast machine, but it always clears its line at the end
    expect(seen.length).toBeGreaterThan(0);
    const quiet: string[] = [];
    await cli([...args, '--quiet'], { stderrTty: true, progress: (t) => quiet.push(t) });
    const piped: string[] = [];
    await cli(args, { stderrTty: false, progress: (t) => piped.push(t) });
    expect(quiet).toEqual([]);
    expect(piped).toEqual([]);
  });

  test('calibrate: a sufficient sigma from the certified upper bound', async () => {
    const r = await cli([
      'calibrate',
      '--epsilon',
      '2',
      '--delta',
      '1e-5',
      '--sampler',
      'balls-and-bins',
      '--steps-per-epoch',
      '10',
      '--epochs',
      '1',
      '--json',
    ]);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ parameter: 'sigma', guarantee: 'sufficient', kind: 'upper' });
    expect(j.epsilon).toBeLessThanOrEqual(2);
    expect(j.epsilon).toBeGreaterThanOrEqual(2 * (1 - 1e-3));
    const table = await cli([
      'calibrate',
      '--epsilon',
      '2',
      '--delta',
      '1e-5',
      '--sampler',
      'balls-and-bins',
      '--steps-per-epoch',
      '10',
      '--epochs',
      '1',
    ]);
    expect(table.stdout).toMatch(/^noise multiplier sigma = [\d.]+ +\(enough for epsilon <= 2 at delta = 1e-5\)/);
    expect(
      (
        await cli([
          'calibrate',
          '--epsilon',
          '2',
          '--delta',
          '1e-5',
          '--sampler',
          'balls-and-bins',
          '--steps-per-epoch',
          '10',
          '--epochs',
          '1',
          '--samples',
          '9',
        ])
      ).stderr,
    ).toBe('error: --samples: not used by calibrate (it uses certified bounds, not Monte Carlo)\n');
  });

  test('check compares the certified upper bound of a balls-and-bins spec', async () => {
    const spec = JSON.stringify({
      budget: { epsilon: 10, delta: 1e-3 },
      accountant: { samples: 2000, seed: 3 },
      stages: [{ mechanism: { kind: 'gaussian', noiseMultiplier: 1 }, sampler: { kind: 'balls-and-bins', stepsPerEpoch: 10 }, epochs: 1 }],
    });
    const r = await cli(['check', '-', '--json'], { stdin: spec });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ withinBudget: true, basis: 'upper' });
  });
});
