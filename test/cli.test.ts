/**
 * The command line, run in-process through runCli: flag validation (one line, flag named, exit 2),
 * commander errors, help, schema, every example spec, stdin, and every exit code.
 */
import { readFileSync } from 'node:fs';
import { cli } from './cliHelpers.js';
import { specJsonSchema } from '../src/spec/schema.js';

const base = ['epsilon', '--sampling-rate', '0.01', '--steps', '100', '--delta', '1e-5'];
/** a coarse grid keeps these tests fast; accuracy is tested against references elsewhere */
const coarse = ['--discretization', '1e-3'];
const example = (name: string) => readFileSync(`examples/${name}`, 'utf8');

describe('bad flags: one line naming the flag and the range, exit 2, no stack', () => {
  const cases: [string[], string][] = [
    [['--sigma', '-1'], 'error: --sigma: expected a number > 0, got -1'],
    [['--sigma', 'abc'], 'error: --sigma: expected a number > 0, got "abc"'],
    [['--sigma', ''], 'error: --sigma: expected a number > 0, got ""'],
    [['--sigma', 'NaN'], 'error: --sigma: expected a number > 0, got "NaN"'],
    [['--sigma', 'Infinity'], 'error: --sigma: expected a number > 0, got "Infinity"'],
    [['--sigma', '0x10'], 'error: --sigma: expected a number > 0, got "0x10"'],
    [['--sigma', '1e999'], 'error: --sigma: expected a number > 0, got "1e999"'],
    [['--sigma', '0'], 'error: --sigma: expected a number > 0, got 0'],
  ];
  test.each(cases)('epsilon %j', async (flags, line) => {
    const r = await cli([...base, ...flags]);
    expect(r).toEqual({ stdout: '', stderr: line + '\n', exitCode: 2 });
  });

  test.each([
    [['--sampling-rate', '1.5'], 'error: --sampling-rate: expected a number in (0, 1], got 1.5'],
    [['--delta', '1'], 'error: --delta: expected a number in (0, 1), got 1'],
    [['--steps', '1.5'], 'error: --steps: expected a positive integer up to 1e12, got 1.5'],
    [['--steps', '-3'], 'error: --steps: expected a positive integer up to 1e12, got -3'],
    [['--accountant', 'prv'], 'error: --accountant: expected one of pld, rdp, got "prv"'],
    [['--steps', '1e15'], 'error: --steps: expected a positive integer up to 1e12, got 1000000000000000'],
    [['--discretization', '0'], 'error: --discretization: expected a number in (0, 0.1], got 0'],
    [
      ['--sampler', 'random'],
      'error: --sampler: expected one of poisson, deterministic, shuffle, persistent-shuffle, balls-and-bins, truncated-poisson, fixed-size, got "random"',
    ],
  ])('%j', async (flags, line) => {
    const args = ['epsilon', '--sigma', '1', '--sampling-rate', '0.01', '--steps', '100', '--delta', '1e-5'];
    const key = flags[0];
    const i = args.indexOf(key);
    if (i >= 0) args.splice(i, 2);
    const r = await cli([...args, ...flags]);
    expect(r).toEqual({ stdout: '', stderr: line + '\n', exitCode: 2 });
  });

  test('scientific notation is accepted', async () => {
    const r = await cli(['epsilon', '--sigma', '2E0', '--sampling-rate', '1e-2', '--steps', '1e2', '--delta', '1e-5', '--json', ...coarse]);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).inputs.stages[0]).toMatchObject({ samplingRate: 0.01, steps: 100 });
  });

  test('unknown flag, unknown command, a flag without its value', async () => {
    expect(await cli([...base, '--sigm', '1'])).toEqual({
      stdout: '',
      stderr: "error: unknown option '--sigm' (Did you mean --sigma?)\n",
      exitCode: 2,
    });
    expect(await cli(['epsilonn'])).toMatchObject({
      stdout: '',
      exitCode: 2,
      stderr: expect.stringMatching(/^error: unknown command 'epsilonn'/),
    });
    expect(await cli([...base, '--sigma'])).toEqual({ stdout: '', stderr: 'error: --sigma: missing its value\n', exitCode: 2 });
  });

  test('missing flags are all named at once', async () => {
    const r = await cli(['epsilon', '--sigma', '1']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'error: --sampling-rate: missing, give --sampling-rate, or --batch-size with --dataset-size, or --steps-per-epoch',
      'error: --steps: missing, give --steps or --epochs',
    ]);
    expect((await cli(['epsilon', '--sigma', '1', '--sampling-rate', '0.1', '--steps', '10'])).stderr).toBe(
      'error: --delta: missing, expected a number in (0, 1)\n',
    );
    expect((await cli(['epsilon', '--sigma', '1', '--batch-size', '10', '--steps', '10', '--delta', '1e-5'])).stderr).toBe(
      'error: --dataset-size: missing, expected a positive integer (goes with --batch-size)\n',
    );
  });
});

describe('help, version, schema', () => {
  test('--help lists the commands and exits 0', async () => {
    const r = await cli(['--help']);
    expect(r.exitCode).toBe(0);
    for (const c of ['epsilon', 'delta', 'calibrate', 'run', 'check', 'compare', 'schema']) expect(r.stdout).toContain(c);
  });
  test('command help carries examples', async () => {
    for (const c of ['epsilon', 'delta', 'calibrate', 'run', 'check']) {
      const r = await cli([c, '--help']);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/Examples?:\n  dpacct /);
    }
  });
  test('no command: usage on stderr, exit 2', async () => {
    const r = await cli([]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/error: no command given/);
  });
  test('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(await cli(['--version'])).toEqual({ stdout: pkg.version + '\n', stderr: '', exitCode: 0 });
  });
  test('schema prints the JSON Schema generated from the zod schema', async () => {
    const r = await cli(['schema']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(specJsonSchema())));
  });
});

describe('accounting commands', () => {
  test('epsilon --json: the shared shape', async () => {
    const r = await cli(['epsilon', '--sigma', '1', '--sampling-rate', '0.01', '--steps', '100', '--delta', '1e-5', '--json', ...coarse]);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ schemaVersion: 1, command: 'epsilon', quantity: 'epsilon', accountant: { name: 'pld' } });
    expect(['upper', 'exact']).toContain(j.kind);
    expect(j.epsilon).toBe(j.upper);
    expect(j.lower).toBeLessThanOrEqual(j.upper);
    expect(typeof j.version).toBe('string');
  });

  test('plain Gaussian (q = 1) is exact and matches the closed form (Balle & Wang 2018) ', async () => {
    // sigma = 2, one step, eps = 1: delta = Phi(1/4 - 2) - e Phi(-1/4 - 2) = 0.0167517... (scipy.stats.norm)
    const r = await cli(['delta', '--sigma', '2', '--sampling-rate', '1', '--steps', '1', '--epsilon', '1', '--json']);
    const j = JSON.parse(r.stdout);
    expect(j.kind).toBe('exact');
    expect(j.delta).toBeCloseTo(0.0400592 - Math.E * 0.0122244, 5);
  });

  test('rdp is an upper bound above the pld one', async () => {
    const args = ['epsilon', '--sigma', '1', '--sampling-rate', '0.01', '--steps', '100', '--delta', '1e-5', '--json', ...coarse];
    const pld = JSON.parse((await cli(args)).stdout);
    const rdp = JSON.parse((await cli([...args, '--accountant', 'rdp'])).stdout);
    expect(rdp).toMatchObject({ kind: 'upper', accountant: { name: 'rdp' } });
    expect(rdp.epsilon).toBeGreaterThanOrEqual(pld.upper);
  });

  test('--epochs with batch and dataset sizes rounds steps up and says so', async () => {
    const r = await cli([
      'epsilon',
      '--sigma',
      '1',
      '--batch-size',
      '3',
      '--dataset-size',
      '100',
      '--epochs',
      '1',
      '--delta',
      '1e-5',
      '--json',
      ...coarse,
    ]);
    const j = JSON.parse(r.stdout);
    expect(j.inputs.stages[0]).toMatchObject({ samplingRate: 0.03, steps: 34 });
    expect(j.notes.join()).toMatch(/33\.33.* steps, rounded up to 34/);
  });

  test('calibrate sigma: sufficient, meets the target', async () => {
    const r = await cli([
      'calibrate',
      '--epsilon',
      '2',
      '--delta',
      '1e-5',
      '--sampling-rate',
      '0.1',
      '--steps',
      '10',
      '--json',
      '--accountant',
      'rdp',
    ]);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ command: 'calibrate', parameter: 'sigma', guarantee: 'sufficient' });
    expect(j.epsilon).toBeLessThanOrEqual(2);
    expect(j.epsilon).toBeGreaterThan(1.99);
    const table = await cli([
      'calibrate',
      '--epsilon',
      '2',
      '--delta',
      '1e-5',
      '--sampling-rate',
      '0.1',
      '--steps',
      '10',
      '--accountant',
      'rdp',
    ]);
    expect(table.stdout).toMatch(/sufficient: the certified upper bound/);
  });

  test('calibrate steps: the largest that meets the target', async () => {
    const r = await cli([
      'calibrate',
      '--target',
      'steps',
      '--epsilon',
      '1',
      '--delta',
      '1e-5',
      '--sigma',
      '2',
      '--sampling-rate',
      '0.05',
      '--json',
      '--accountant',
      'rdp',
    ]);
    const j = JSON.parse(r.stdout);
    expect(j.parameter).toBe('steps');
    expect(Number.isInteger(j.value)).toBe(true);
    expect(j.epsilon).toBeLessThanOrEqual(1);
    const next = JSON.parse(
      (
        await cli([
          'epsilon',
          '--sigma',
          '2',
          '--sampling-rate',
          '0.05',
          '--steps',
          String(j.value + 1),
          '--delta',
          '1e-5',
          '--json',
          '--accountant',
          'rdp',
        ])
      ).stdout,
    );
    expect(next.upper).toBeGreaterThan(1);
  });

  test('calibrate refuses to be given the parameter it calibrates', async () => {
    const r = await cli(['calibrate', '--epsilon', '2', '--delta', '1e-5', '--sigma', '1', '--sampling-rate', '0.1', '--steps', '10']);
    expect(r).toEqual({
      stdout: '',
      stderr: 'error: --sigma: not allowed with --target sigma (that is what is calibrated)\n',
      exitCode: 2,
    });
  });
});

describe('specs: run and check', () => {
  test.each(['dpsgd-60k.json', 'finetune-two-stages.json', 'analytics.json'])('run examples/%s', async (name) => {
    const r = await cli(['run', `examples/${name}`, '--json', ...coarse]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.quantity).toBe('epsilon');
    expect(j.epsilon).toBeGreaterThan(0);
    expect(Number.isFinite(j.epsilon)).toBe(true);
    expect(j.upper).toBeGreaterThanOrEqual(j.lower ?? 0);
  });

  test('stdin: run - and check - read the spec from standard input', async () => {
    const fromFile = JSON.parse((await cli(['run', 'examples/analytics.json', '--json', ...coarse])).stdout);
    const fromStdin = JSON.parse((await cli(['run', '-', '--json', ...coarse], { stdin: example('analytics.json') })).stdout);
    expect(fromStdin.epsilon).toBe(fromFile.epsilon);
    expect((await cli(['check', '-', ...coarse], { stdin: example('analytics.json') })).exitCode).toBe(0);
  });

  test('check exit 0 within budget', async () => {
    const r = await cli(['check', 'examples/analytics.json', ...coarse]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^within budget: epsilon <= /);
  });

  test('check exit 1 over budget: by how much and the costliest stage', async () => {
    const r = await cli(['check', 'examples/analytics.json', '--max-epsilon', '1', ...coarse]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      /^over budget: epsilon <= [\d.]+ \(certified upper bound\) exceeds the budget 1 at delta = 1e-6 by [\d.]+ \([\d.]+%\)/,
    );
    expect(r.stdout).toMatch(/costliest stage: stages\[\d\] \(\w+\), epsilon (<=|=) [\d.]+ on its own/);
    const j = JSON.parse((await cli(['check', 'examples/analytics.json', '--max-epsilon', '1', '--json', ...coarse])).stdout);
    expect(j).toMatchObject({ command: 'check', withinBudget: false, budget: { epsilon: 1, delta: 1e-6 } });
    expect(j.excess).toBeCloseTo(j.upper - 1, 12);
    expect(j.stageCosts).toHaveLength(3);
    const worst = Math.max(...j.stageCosts.map((c: { epsilon: number }) => c.epsilon));
    expect(r.stdout).toContain(j.stageCosts.find((c: { epsilon: number }) => c.epsilon === worst).label);
  });

  test('check --delta overrides the budget delta', async () => {
    const j = JSON.parse((await cli(['check', 'examples/analytics.json', '--delta', '1e-3', '--json', ...coarse])).stdout);
    expect(j.budget).toEqual({ epsilon: 3, delta: 1e-3 });
  });

  test('check exit 2 for an invalid spec, every problem listed', async () => {
    const bad = JSON.stringify({
      budget: { epsilon: -1, delta: 1e-5 },
      stages: [{ mechanism: { kind: 'gaussian', noiseMultiplier: 1 }, sampler: { kind: 'poisson', rate: 1.5 }, steps: 10 }],
    });
    const r = await cli(['check', '-'], { stdin: bad });
    expect(r).toEqual({
      stdout: '',
      stderr: 'error: budget.epsilon: expected a number > 0, got -1\nerror: stages[0].sampler.rate: expected a number in (0, 1], got 1.5\n',
      exitCode: 2,
    });
  });

  test('check exit 2 without a budget; exit 2 for a missing file; exit 2 for text that is not JSON', async () => {
    const noBudget = JSON.stringify({ delta: 1e-5, stages: [{ mechanism: { kind: 'laplace', scale: 1 }, steps: 1 }] });
    expect((await cli(['check', '-'], { stdin: noBudget })).stderr).toBe(
      'error: budget.epsilon: missing, give a budget in the spec or --max-epsilon\n',
    );
    expect(await cli(['run', 'no/such.json'])).toEqual({
      stdout: '',
      stderr: 'error: SPEC: cannot read "no/such.json": no such file\n',
      exitCode: 2,
    });
    expect(await cli(['run', '-'], { stdin: '{\n  "delta": 1e-5,\n  "stages": [\n' })).toEqual({
      stdout: '',
      stderr: 'error: stdin: not valid JSON: unexpected end of input at line 4, column 1\n',
      exitCode: 2,
    });
  });

  test('exit 3 when no certified upper bound exists (shuffle: lower bounds only)', async () => {
    const spec = JSON.stringify({
      budget: { epsilon: 8, delta: 1e-5 },
      stages: [
        { mechanism: { kind: 'gaussian', noiseMultiplier: 1 }, sampler: { kind: 'shuffle', stepsPerEpoch: 10 }, epochs: 1 },
        { mechanism: { kind: 'laplace', scale: 1 }, steps: 1 },
      ],
    });
    const r = await cli(['check', '-'], { stdin: spec });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/^error: cannot certify: stages\[0\]: the shuffle sampler has no certified upper bound/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('exit 70 for an internal error: one line, the stack only with DPACCT_DEBUG=1', async () => {
    const boom = async () => {
      throw new TypeError('boom');
    };
    const r = await cli(['run', '-'], { stdin: boom });
    expect(r.exitCode).toBe(70);
    expect(r.stderr).toBe('error: internal error: boom (a bug in dpacct; DPACCT_DEBUG=1 shows the stack)\n');
    const debug = await cli(['run', '-'], { stdin: boom, env: { DPACCT_DEBUG: '1' } });
    expect(debug.exitCode).toBe(70);
    expect(debug.stderr).toMatch(/TypeError: boom\n\s+at /);
  });

  test('an infinite epsilon is said in words, never printed as Infinity', async () => {
    const spec = JSON.stringify({ delta: 1e-6, stages: [{ mechanism: { kind: 'eps-delta', epsilon: 1, delta: 1e-3 }, steps: 1 }] });
    const table = await cli(['run', '-'], { stdin: spec });
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(/epsilon is infinite/);
    const json = await cli(['run', '-', '--json'], { stdin: spec });
    expect(json.stdout).not.toMatch(/Infinity|NaN/);
    expect(JSON.parse(json.stdout)).toMatchObject({ epsilon: null, infinite: true });
  });

  test('replace-one doubles the sensitivity of an unsampled Gaussian and is refused for a Poisson-subsampled one', async () => {
    const spec = (adjacency: string, sigma: number, sampler?: object) =>
      JSON.stringify({
        delta: 1e-5,
        adjacency,
        stages: [{ mechanism: { kind: 'gaussian', noiseMultiplier: sigma }, ...(sampler ? { sampler } : {}), steps: 1 }],
      });
    const replaced = JSON.parse((await cli(['run', '-', '--json'], { stdin: spec('replace-one', 2) })).stdout);
    const halved = JSON.parse((await cli(['run', '-', '--json'], { stdin: spec('add-remove', 1) })).stdout);
    expect(replaced.epsilon).toBeCloseTo(halved.epsilon, 12);
    const refused = await cli(['run', '-'], { stdin: spec('replace-one', 2, { kind: 'poisson', rate: 0.1 }) });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/^error: stages\[0\]\.sampler: adjacency "replace-one" is not supported with the poisson sampler/);
  });

  test('colour only on a terminal without NO_COLOR', async () => {
    const args = ['run', 'examples/analytics.json', ...coarse];
    expect((await cli(args)).stdout).not.toMatch(/\u001b\[/);
    expect((await cli(args, { tty: true })).stdout).toMatch(/\u001b\[/);
    expect((await cli(args, { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(/\u001b\[/);
    expect((await cli([...args, '--json'], { tty: true })).stdout).not.toMatch(/\u001b\[/);
  });
});
