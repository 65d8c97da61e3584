/**
 * Certified balls-and-bins (random allocation) bounds, src/pld/randomAllocation.ts, at the default grid
 * interval. Targets (issue 11): T = 1000 one epoch under 5 s; T = 10^4 under 20 s; T = 1000 with 5 epochs
 * under 10 s. The Feldman-Shenfeld settings of test/fixtures/bnb_upper.json print our interval and its
 * width beside theirs (their Python code took 90-450 s per setting), and the cheaper fallbacks (`--method
 * decomposition|rdp`, Feldman & Shenfeld 2025) on the same settings.
 */
import { readFileSync } from 'node:fs';
import { randomAllocationAccount } from '../src/pld/randomAllocation.js';
import { decompositionBound, decompositionProblem } from '../accountants/ballsAndBins/decomposition.js';
import { allocationRdpEpsilon } from '../accountants/ballsAndBins/rdpBound.js';

function interval(sigma: number, T: number, E: number, delta: number, h?: number): string {
  const a = randomAllocationAccount({ noiseMultiplier: sigma, stepsPerEpoch: T, epochs: E, ...(h ? { interval: h } : {}) });
  const upper = Math.max(a.remove.upperEpsilon(delta), a.add.upperEpsilon(delta));
  const lower = a.remove.lowerEpsilon(delta);
  return `eps in [${lower.toFixed(5)}, ${upper.toFixed(5)}] width ${(upper - lower).toFixed(4)} (h ${a.interval.toExponential(2)})`;
}

interface FsRow {
  steps_per_epoch: number;
  sigma: number;
  epochs: number;
  delta: number;
  fs_lower: number;
  fs_upper: number;
}
const fsRows = (JSON.parse(readFileSync(new URL('../../test/fixtures/bnb_upper.json', import.meta.url), 'utf8')) as { rows: FsRow[] }).rows;

export const cases: { name: string; run: () => unknown }[] = [
  { name: 'balls-and-bins PLD: T = 1000, 1 epoch, sigma 0.8, delta 1e-6', run: () => interval(0.8, 1000, 1, 1e-6) },
  { name: 'balls-and-bins PLD: T = 10^4, 1 epoch, sigma 0.8, delta 1e-6', run: () => interval(0.8, 10000, 1, 1e-6) },
  { name: 'balls-and-bins PLD: T = 1000, 5 epochs, sigma 0.8, delta 1e-6', run: () => interval(0.8, 1000, 5, 1e-6) },
  ...fsRows.map((r) => ({
    name: `balls-and-bins PLD vs Feldman-Shenfeld: T = ${r.steps_per_epoch}, sigma ${r.sigma}, E = ${r.epochs}, delta ${r.delta}`,
    run: () =>
      `${interval(r.sigma, r.steps_per_epoch, r.epochs, r.delta)}; FS [${r.fs_lower}, ${r.fs_upper}] width ${(r.fs_upper - r.fs_lower).toFixed(4)}`,
  })),
  ...fsRows.map((r) => {
    const s = { noiseMultiplier: r.sigma, stepsPerEpoch: r.steps_per_epoch, epochs: r.epochs };
    return {
      name: `balls-and-bins --method decomposition: T = ${r.steps_per_epoch}, sigma ${r.sigma}, E = ${r.epochs}, delta ${r.delta}`,
      run: () => {
        const problem = decompositionProblem(s);
        if (problem) return `refused: ${problem.slice(0, 60)}`;
        // the accountant's default for this method: a fixed Poisson PLD grid of 1e-3
        const f = decompositionBound(s, { discretization: 1e-3 }).epsilon(r.delta);
        return `eps <= ${f.upper.toFixed(5)} (remove ${f.remove.toFixed(5)}, add ${f.add.toFixed(5)})`;
      },
    };
  }),
  ...fsRows.map((r) => ({
    name: `balls-and-bins --method rdp: T = ${r.steps_per_epoch}, sigma ${r.sigma}, E = ${r.epochs}, delta ${r.delta}`,
    run: () => {
      const f = allocationRdpEpsilon({ noiseMultiplier: r.sigma, stepsPerEpoch: r.steps_per_epoch, epochs: r.epochs }, r.delta);
      return `eps <= ${f.upper.toFixed(5)} (remove ${f.remove.toFixed(5)} at order ${f.order}, add ${f.add.toFixed(5)})`;
    },
  })),
];
