/**
 * Issue 9, compare output: each note said once (without regard to case), and no ratio to Poisson for a figure
 * that is only float64's floor (a delta bounded by 5e-324 read "x0").
 */
import { cli } from './cliHelpers.js';

const setting = ['--sigma', '1', '--steps-per-epoch', '10', '--epochs', '1'];

test('compare: no ratio for a figure at the float floor; notes once each', async () => {
  const json = JSON.parse((await cli(['compare', ...setting, '--epsilon', '100', '--json'])).stdout);
  const deterministic = json.samplers.find((r: { sampler: string }) => r.sampler === 'deterministic');
  expect(deterministic.delta).toBeLessThan(1e-300);
  expect(deterministic.ratioToPoisson).toBeUndefined();

  const r = await cli(['compare', ...setting, '--delta', '1e-5']);
  expect(r.exitCode).toBe(0);
  const notes = r.stdout.split('\n').filter((l) => l.startsWith('note: '));
  const bodies = notes.map((n) => n.replace(/^note: ([a-z-]+(, [a-z-]+)*: )?/, '').toLowerCase());
  expect(new Set(bodies).size).toBe(bodies.length);
  expect(r.stdout).not.toMatch(/deterministic: Deterministic/);
  expect(r.stdout).toMatch(/note: shuffle, persistent-shuffle: Shuffling/);
  expect(r.stdout).not.toMatch(/ x0$/m);
});
