/**
 * Issue 9, "messages that name the wrong thing": each error names what the user typed (the flag on flag
 * commands, the JSON path in specs), one problem per line; `help CMD` is help; --json errors are JSON.
 */
import { cli } from './cliHelpers.js';
import { planSlices } from '../src/pld/maxStatistic.js';

const single = (r: { stdout: string; stderr: string; exitCode: number }) => {
  expect(r.exitCode).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0];
};
const spec = (stage: object) =>
  JSON.stringify({ delta: 1e-5, stages: [{ mechanism: { kind: 'gaussian', noiseMultiplier: 1 }, ...stage }] });

describe('flag commands name flags', () => {
  test('--sampling-rate 1e-300 --epochs 1: the epochs give 1e300 steps, past the 1e12 limit', async () => {
    expect(single(await cli(['epsilon', '--sigma', '1', '--sampling-rate', '1e-300', '--epochs', '1', '--delta', '1e-5']))).toBe(
      'error: --epochs: expected at most 1e12 steps in all, got 1 epochs = 1.00e300 steps',
    );
  });

  test('--epochs 1e-300 is one step, not "stages[0].steps ... got 0"', async () => {
    const r = await cli(['epsilon', '--sigma', '1', '--sampling-rate', '0.01', '--epochs', '1e-300', '--delta', '1e-5', '--json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).inputs.stages[0].steps).toBe(1);
  });

  test('Poisson with --adjacency replace-one names --adjacency', async () => {
    expect(
      single(
        await cli(['epsilon', '--sigma', '1', '--sampling-rate', '0.1', '--steps', '10', '--adjacency', 'replace-one', '--delta', '1e-5']),
      ),
    ).toMatch(/^error: --adjacency: "replace-one" is not supported with --sampler poisson/);
  });

  test('--sigma without its value names --sigma (not "too many arguments")', async () => {
    expect(single(await cli(['epsilon', '--sigma', '--sampling-rate', '0.1', '--steps', '10', '--delta', '1e-5']))).toBe(
      'error: --sigma: missing its value (the next argument is --sampling-rate)',
    );
  });

  test('epsilon --epsilon does not suggest --version', async () => {
    const line = single(await cli(['epsilon', '--epsilon', '1']));
    expect(line).not.toMatch(/--version/);
    expect(line).toMatch(/dpacct delta --epsilon/);
  });

  test('a large sigma with shuffling fits the slice limit (no "placement: expected at most 4194304 slices")', () => {
    // (the CLI case, --sigma 1e6 --sampler shuffle --steps-per-epoch 100 --epochs 2, takes seconds: here the plan)
    const plan = planSlices({ meanUpper: 2, meanLower: 1, noiseMultiplier: 1e6, steps: 100, lossInterval: 1e-4 });
    expect(plan.count).toBeLessThanOrEqual(1 << 20);
    expect(plan.gap).toBeGreaterThan(0);
  });

  test('--sampling-rate 5e-324 --json: no "stepsPerEpoch": null', async () => {
    const r = await cli(['epsilon', '--sigma', '1', '--sampling-rate', '5e-324', '--steps', '10', '--delta', '1e-5', '--json']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toMatch(/null/);
  });
});

describe('one problem, one line (specs)', () => {
  test.each([
    [{ steps: 9007199254740993 }, /^error: stages\[0\]\.steps: expected a positive integer up to 1e12/],
    [
      { steps: 10, sampler: { kind: 'poisson', batchSize: 1e308, datasetSize: 1000 } },
      /^error: stages\[0\]\.sampler\.batchSize: expected a positive integer/,
    ],
    [
      { steps: 10, sampler: { kind: 'poisson', batchSize: 10, datasetSize: -1 } },
      /^error: stages\[0\]\.sampler\.datasetSize: expected a positive integer, got -1$/,
    ],
  ])('%j', async (stage, line) => {
    expect(single(await cli(['run', '-'], { stdin: spec(stage) }))).toMatch(line);
  });

  test('"epochs": 1e400 is out of range, not "got Infinity"', async () => {
    const text = spec({ sampler: { kind: 'poisson', rate: 0.1 } }).replace('}}]', '}, "epochs": 1e400}]');
    expect(single(await cli(['run', '-'], { stdin: text }))).toBe(
      "error: stages[0].epochs: expected a number > 0, got a number beyond float64's range (about 1.8e308)",
    );
  });
});

describe('help, schema and JSON errors', () => {
  test('dpacct help epsilon: help on stdout, exit 0 (as epsilon --help)', async () => {
    const r = await cli(['help', 'epsilon']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Usage: dpacct epsilon/);
    expect(r).toEqual(await cli(['epsilon', '--help']));
    expect((await cli(['help'])).exitCode).toBe(0);
  });

  test('schema accepts --quiet', async () => {
    const r = await cli(['schema', '--quiet']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).type).toBe('object');
  });

  test('with --json an error is one JSON object on stderr: {"error": {path, message, exitCode}}', async () => {
    const r = await cli(['epsilon', '--sigma', '-1', '--sampling-rate', '0.1', '--steps', '10', '--delta', '1e-5', '--json']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toEqual({ error: { path: '--sigma', message: 'expected a number > 0, got -1', exitCode: 2 } });
    const several = JSON.parse((await cli(['epsilon', '--json'])).stderr);
    expect(several.errors.length).toBeGreaterThan(1);
    const refused = await cli([
      'calibrate',
      '--target',
      'steps',
      '--sigma',
      '1e-160',
      '--sampling-rate',
      '1',
      '--epsilon',
      '8',
      '--delta',
      '1e-5',
      '--json',
    ]);
    expect(refused.exitCode).toBe(3);
    expect(JSON.parse(refused.stderr).error.exitCode).toBe(3);
    const spec = await cli(['run', '-', '--json'], { stdin: '{"stages": 1}' });
    expect(JSON.parse(spec.stderr).error.path).toBe('stages');
  });
});

describe('calibrate says where the figure is, and does not claim a search limit is the largest value', () => {
  test('"at sigma = 0.x: epsilon <= 8 (certified upper bound)", not "there: ... (upper)"', async () => {
    const r = await cli([
      'calibrate',
      '--epsilon',
      '8',
      '--delta',
      '1e-5',
      '--sampling-rate',
      '0.01',
      '--steps',
      '1000',
      '--accountant',
      'rdp',
      '--quiet',
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^at sigma = [0-9.]+: epsilon <= [0-9.]+ \(certified upper bound\)$/m);
    expect(r.stdout).not.toMatch(/^there:/m);
  });

  test('steps at the search limit (1e9): "the search limit", not "the largest"', async () => {
    const r = await cli([
      'calibrate',
      '--target',
      'steps',
      '--epsilon',
      '1e4',
      '--sigma',
      '5',
      '--sampling-rate',
      '0.01',
      '--delta',
      '1e-5',
      '--accountant',
      'rdp',
      '--quiet',
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^steps = 1000000000 {2}\(the search limit; it still keeps epsilon <= 10000/);
  });
});

test('--sampler and --adjacency help list their allowed values', async () => {
  const help = (await cli(['epsilon', '--help'])).stdout.replace(/\s+/g, ' ');
  expect(help).toMatch(/--sampler <kind> .*one of poisson, deterministic, shuffle, persistent-shuffle, balls-and-bins/);
  expect(help).toMatch(/--adjacency <kind> .*one of add-remove, zero-out, replace-one/);
});

test('check labels an exact (closed-form) figure as exact, as run does', async () => {
  const spec = JSON.stringify({
    budget: { epsilon: 20, delta: 1e-5 },
    stages: [{ mechanism: { kind: 'gaussian', noiseMultiplier: 1 }, sampler: { kind: 'deterministic', stepsPerEpoch: 10 }, epochs: 10 }],
  });
  const check = await cli(['check', '-'], { stdin: spec });
  expect(check.exitCode).toBe(0);
  expect(check.stdout).toMatch(/^within budget: epsilon <= 17\.857 \(exact, closed form; rounded up\)/);
  expect((await cli(['run', '-', '--delta', '1e-5'], { stdin: spec })).stdout).toMatch(/^epsilon = 17\.857 exact/);
});

test('an input of 0.9999999999999999 is not printed as 1', async () => {
  const r = await cli(['epsilon', '--sigma', '1', '--sampling-rate', '1', '--steps', '3', '--delta', '0.9999999999999999']);
  expect(r.exitCode).toBe(0);
  expect(r.stdout).toMatch(/at delta = 0\.9999999999999999,/);
});
