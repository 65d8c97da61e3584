/**
 * Timing cases for the core accountants (issue 2 targets, measured against the Python anchors on this
 * 2-core machine: q=0.01, sigma=1, 1e4 steps under 0.2 s (dp_accounting ~1.1 s, PRV ~3 s); q=1e-4,
 * sigma=0.8, 1e6 steps under 1 s with the upper bound inside PRV's interval (<= 0.7183); calibrating sigma
 * for 1e4 steps under 2 s).
 */
import { pldAccountant, pldEpsilon } from '../accountants/pld.js';
import { rdpEpsilon } from '../accountants/rdp.js';
import { calibrateDecreasing } from '../src/calibrate.js';
import type { Stage } from '../src/mechanism.js';

const dpsgd = (q: number, sigma: number, steps: number): Stage[] => [
  { mechanism: { kind: 'gaussian', noiseMultiplier: sigma }, poissonRate: q, steps },
];

const show = (f: { upper: number; lower: number }) => `eps in [${f.lower.toFixed(4)}, ${f.upper.toFixed(4)}]`;
const withWidth = (f: { upper: number; lower: number; details: Readonly<Record<string, unknown>> }) =>
  `eps in [${f.lower.toFixed(5)}, ${f.upper.toFixed(5)}] width ${((f.upper - f.lower) / f.upper).toExponential(1)} grid ${f.details.discretization}`;

export const cases: { name: string; run: () => unknown }[] = [
  {
    name: 'PLD eps, q=0.01, sigma=1, 1e4 steps, delta=1e-5 (target < 0.2 s)',
    run: () => show(pldEpsilon(dpsgd(0.01, 1, 10_000), 1e-5)),
  },
  {
    name: 'PLD eps, q=1e-4, sigma=0.8, 1e6 steps, delta=1e-5, default precision 1e-3 (target < 1 s, upper <= 0.7183)',
    run: () => withWidth(pldEpsilon(dpsgd(1e-4, 0.8, 1_000_000), 1e-5)),
  },
  {
    name: 'PLD eps, q=0.004, sigma=0.8, 1e5 steps, delta=1e-8',
    run: () => show(pldEpsilon(dpsgd(0.004, 0.8, 100_000), 1e-8)),
  },
  {
    // below the plain composition's float64 rounding (~2e-12 here): answered by the tilted composition
    name: 'PLD eps, q=0.01, sigma=1, 1e4 steps, delta=1e-12 and 1e-15 (tilted; truth 10.34666, 11.75995)',
    run: () => {
      const a = pldAccountant(dpsgd(0.01, 1, 10_000));
      return [a.epsilon(1e-12), a.epsilon(1e-15)].map((f) => `eps in [${f.lower.toFixed(5)}, ${f.upper.toFixed(5)}]`).join(', ');
    },
  },
  {
    // a heavy upper tail at a small delta: no tilt fits, composed again in double-double arithmetic
    // (dp_accounting in long double at 2e-5: 0.045484, pld_small_q_oracle.json)
    name: 'PLD eps, q=5.4326e-5, sigma=0.97902, 448 steps, delta=1.8133e-12 (double-double)',
    run: () => {
      const f = pldEpsilon(dpsgd(5.432600954663983e-5, 0.9790157770149613, 448), 1.813318462585563e-12);
      return `eps in [${f.lower.toPrecision(6)}, ${f.upper.toPrecision(6)}]`;
    },
  },
  {
    name: 'calibrate sigma (PLD), q=0.01, 1e4 steps, eps=1, delta=1e-5 (target < 2 s)',
    run: () => {
      // bracket with the cheap RDP answer (RDP's epsilon is larger, so its sigma is an upper end)
      const rdp = calibrateDecreasing({
        figure: (sigma) => rdpEpsilon(dpsgd(0.01, sigma, 10_000), 1e-5).epsilon,
        target: 1,
        lo: 0.3,
        hi: 20,
        name: 'noise multiplier',
      });
      const r = calibrateDecreasing({
        figure: (sigma) => pldEpsilon(dpsgd(0.01, sigma, 10_000), 1e-5).upper,
        target: 1,
        lo: 0.7 * rdp.value,
        hi: rdp.value,
        name: 'noise multiplier',
      });
      return `sigma=${r.value.toFixed(5)} eps=${r.figure.toFixed(5)} (${r.evaluations} evaluations)`;
    },
  },
  {
    name: 'RDP eps, q=0.01, sigma=1, 1e5 steps, delta=1e-5',
    run: () => `eps <= ${rdpEpsilon(dpsgd(0.01, 1, 100_000), 1e-5).epsilon.toFixed(4)}`,
  },
];
