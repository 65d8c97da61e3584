/**
 * Issue 9, "labels": a figure names the accountant that computed it. Deterministic batches are answered by
 * the closed form (analytic Gaussian at sigma/sqrt(E)), so the result names the deterministic accountant.
 */
import { cli } from './cliHelpers.js';

const deterministic = ['--sampler', 'deterministic', '--sigma', '1', '--steps-per-epoch', '10', '--epochs', '2'];

describe('deterministic runs name the closed-form accountant', () => {
  test('epsilon: exact, by the deterministic accountant, matching dp_accounting', async () => {
    const r = await cli(['epsilon', ...deterministic, '--delta', '1e-5', '--json']);
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.accountant.name).toBe('deterministic');
    expect(out.kind).toBe('exact');
    // dp_accounting 0.6.0: from_gaussian_mechanism(1/sqrt(2), value_discretization_interval=1e-5)
    // .get_epsilon_for_delta(1e-5) = 6.572970067332309 (a pessimistic grid, so slightly above the exact value)
    expect(out.epsilon).toBeGreaterThan(6.57297 * (1 - 1e-6));
    expect(out.epsilon).toBeLessThanOrEqual(6.572970067332309);
    const text = await cli(['epsilon', ...deterministic, '--delta', '1e-5']);
    expect(text.stdout).toMatch(/^accountant: deterministic$/m);
    expect(text.stdout).not.toMatch(/accountant: pld/);
  });

  test('delta that underflows float64 is an upper bound (the smallest double), not exact 0', async () => {
    const out = JSON.parse((await cli(['delta', ...deterministic, '--epsilon', '1000', '--json'])).stdout);
    expect(out.accountant.name).toBe('deterministic');
    expect(out.kind).toBe('upper');
    expect(out.delta).toBeGreaterThan(0);
  });

  test('an explicit --accountant rdp is kept', async () => {
    const out = JSON.parse((await cli(['epsilon', ...deterministic, '--delta', '1e-5', '--accountant', 'rdp', '--json'])).stdout);
    expect(out.accountant.name).toBe('rdp');
  });
});
