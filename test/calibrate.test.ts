/**
 * One-sided calibration (src/calibrate.ts) with the PLD and RDP accountants, against
 * test/fixtures/calibration.json (dp_accounting 0.6.0 calibrate_dp_mechanism, PLD at interval 1e-4 with
 * tolerance 1e-5 in sigma; RDP with tolerance 1e-6). Issue 2: the calibrated sigma meets its target and is
 * within 0.5% of the reference.
 */
import { calibrateDecreasing, calibrateIncreasing } from '../src/calibrate.js';
import { pldEpsilon } from '../accountants/pld.js';
import { rdpEpsilon } from '../accountants/rdp.js';
import type { Stage } from '../src/mechanism.js';
import { reference } from './helpers/reference.js';

const dpsgd = (q: number, sigma: number, steps: number): Stage[] => [
  { mechanism: { kind: 'gaussian', noiseMultiplier: sigma }, poissonRate: q, steps },
];

const rows = reference('calibration.json').rows as any[];

describe('noise multiplier for a target epsilon', () => {
  test.each(rows.map((r) => [r.steps, r.target_eps, r]))('PLD, %i steps, eps = %f', (_steps, _target, r) => {
    const found = calibrateDecreasing({
      figure: (sigma) => pldEpsilon(dpsgd(r.q, sigma, r.steps), r.delta).upper,
      target: r.target_eps,
      lo: 0.3,
      hi: 10,
      name: 'noise multiplier',
    });
    // meets the target: the certified upper bound at the returned sigma is at most the target
    expect(found.figure).toBeLessThanOrEqual(r.target_eps);
    expect(pldEpsilon(dpsgd(r.q, found.value, r.steps), r.delta).upper).toBeLessThanOrEqual(r.target_eps);
    expect(Math.abs(found.value - r.pld.sigma) / r.pld.sigma).toBeLessThanOrEqual(0.005);
  });

  test.each(rows.map((r) => [r.steps, r.target_eps, r]))('RDP, %i steps, eps = %f', (_steps, _target, r) => {
    const found = calibrateDecreasing({
      figure: (sigma) => rdpEpsilon(dpsgd(r.q, sigma, r.steps), r.delta).epsilon,
      target: r.target_eps,
      lo: 0.3,
      hi: 20,
      relTol: 1e-7,
      name: 'noise multiplier',
    });
    expect(found.figure).toBeLessThanOrEqual(r.target_eps);
    expect(Math.abs(found.value - r.rdp.sigma) / r.rdp.sigma).toBeLessThanOrEqual(1e-5);
  });
});

describe('steps and sampling rate for a target epsilon', () => {
  test('largest number of steps: meets the target, one more step does not', () => {
    const eps = (steps: number) => pldEpsilon(dpsgd(0.01, 1, steps), 1e-5).upper;
    const found = calibrateIncreasing({ figure: eps, target: 2, lo: 100, hi: 1000, integer: true, name: 'steps' });
    expect(found.figure).toBeLessThanOrEqual(2);
    expect(eps(found.value + 1)).toBeGreaterThan(2);
    // dp_accounting (dpsgd_poisson.json): 1000 steps give 1.828 and 10^4 steps 6.19 at this setting
    expect(found.value).toBeGreaterThan(1000);
    expect(found.value).toBeLessThan(10000);
  });
  test('largest sampling rate: meets the target', () => {
    const eps = (q: number) => pldEpsilon(dpsgd(q, 1, 1000), 1e-5).upper;
    const found = calibrateIncreasing({ figure: eps, target: 1, lo: 0.001, hi: 0.01, max: 1, name: 'sampling rate' });
    expect(found.figure).toBeLessThanOrEqual(1);
    expect(eps(found.value * 1.001)).toBeGreaterThan(1 - 1e-3);
  });
  test('a target no parameter can meet is refused, not silently clamped', () => {
    expect(() =>
      calibrateIncreasing({ figure: () => 5, target: 1, lo: 1, hi: 10, integer: true, name: 'steps' }),
    ).toThrow(/no steps >= 1 meets the target 1/);
  });
});
