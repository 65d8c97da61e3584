/**
 * End to end: the real executable (`node bin/dpacct.js`, built into dist/) as a user or CI runs it,
 * with real pipes, exit statuses and environment.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureBuilt, root } from './helpers/built.js';
import { reference } from './helpers/reference.js';

beforeAll(ensureBuilt);

function dpacct(args: string[], o: { input?: string; env?: Record<string, string> } = {}) {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...o.env };
  const r = spawnSync(process.execPath, [path.join(root, 'bin/dpacct.js'), ...args], {
    cwd: root,
    input: o.input ?? '',
    env,
    encoding: 'utf8',
  });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.status };
}

test('a bad flag: one line on stderr, exit 2, no stack', () => {
  const r = dpacct(['epsilon', '--sigma', '-1', '--sampling-rate', '0.01', '--steps', '10', '--delta', '1e-5']);
  expect(r).toEqual({ stdout: '', stderr: 'error: --sigma: expected a number > 0, got -1\n', exitCode: 2 });
});

test('--version', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  expect(dpacct(['--version'])).toEqual({ stdout: `${pkg.version}\n`, stderr: '', exitCode: 0 });
});

test('run examples/dpsgd-60k.json at its own settings (default precision 0.001)', () => {
  const r = dpacct(['run', 'examples/dpsgd-60k.json', '--json']);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  const j = JSON.parse(r.stdout);
  expect(j).toMatchObject({
    command: 'run',
    quantity: 'epsilon',
    kind: 'upper',
    accountant: { name: 'pld', settings: { precision: 0.001 } },
  });
  // RDP (accountants/rdp.ts) bounds the same run from above and PLD must not exceed it
  const rdp = JSON.parse(dpacct(['run', 'examples/dpsgd-60k.json', '--json', '--accountant', 'rdp']).stdout);
  expect(j.upper).toBeLessThanOrEqual(rdp.epsilon);
  expect(j.lower).toBeLessThanOrEqual(j.upper);
});

test('piping a spec through stdin; table output without colour when piped', () => {
  const spec = readFileSync('examples/analytics.json', 'utf8');
  const r = dpacct(['run', '-', '--discretization', '1e-3'], { input: spec });
  expect(r.exitCode).toBe(0);
  expect(r.stdout).toMatch(/^epsilon <= [\d.]+ +upper bound/);
  expect(r.stdout).not.toMatch(/\u001b\[/);
});

test('check: exit 1 over budget, exit 0 within, exit 2 for a spec that is not JSON', () => {
  const over = dpacct(['check', 'examples/analytics.json', '--max-epsilon', '1', '--discretization', '1e-3']);
  expect(over.exitCode).toBe(1);
  expect(over.stdout).toMatch(/over budget/);
  expect(dpacct(['check', 'examples/analytics.json', '--discretization', '1e-3']).exitCode).toBe(0);
  const notJson = dpacct(['check', '-'], { input: '{"delta": 1e-5,,}' });
  expect(notJson).toEqual({
    stdout: '',
    stderr: 'error: stdin: not valid JSON: expected a property name in double quotes, found "," at line 1, column 16\n',
    exitCode: 2,
  });
});

test('FORCE_COLOR turns colour on even when piped', () => {
  const r = dpacct(['run', 'examples/analytics.json', '--discretization', '1e-3'], { env: { FORCE_COLOR: '1' } });
  expect(r.exitCode).toBe(0);
  expect(r.stdout).toMatch(/\u001b\[/);
});

test('calibrate from the terminal matches dp_accounting (test/fixtures/calibration.json) and meets its target', () => {
  const calibration = reference<{
    rows: { q: number; delta: number; steps: number; target_eps: number; pld: { sigma: number } }[];
  }>('calibration.json');
  const row = calibration.rows.find((r) => r.steps === 1000 && r.target_eps === 1)!;
  const r = dpacct([
    'calibrate',
    '--epsilon',
    String(row.target_eps),
    '--delta',
    String(row.delta),
    '--sampling-rate',
    String(row.q),
    '--steps',
    String(row.steps),
    '--json',
  ]);
  expect(r.exitCode).toBe(0);
  const j = JSON.parse(r.stdout);
  expect(j).toMatchObject({ parameter: 'sigma', guarantee: 'sufficient' });
  expect(j.epsilon).toBeLessThanOrEqual(row.target_eps); // one-sided
  // within 0.5% of dp_accounting's PLD calibration (issue 2's tolerance)
  expect(Math.abs(j.value / row.pld.sigma - 1)).toBeLessThan(0.005);
});
