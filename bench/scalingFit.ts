/**
 * How the bundled loss model (accountants/scaling/bertTable2Law.ts) was made; run it to reproduce it:
 *
 *   npm run build && node dist/bench/scalingFit.js
 *
 * Input: the 20 rows of Table 2 of McKenna et al. (arXiv 2501.18914; test/fixtures/scaling.json) and the
 * exponents of the paper's Appendix E form 2 (alpha 0.47, beta 0.12, gamma 0.95, kappa -0.07; sigmoid centre 8,
 * width 1.6). For each row, sigma is calibrated here (delta 1e-8, PLD; the smaller of the Poisson and the
 * deterministic-batch figure, as the paper did), giving the noise-batch ratio sigma / B. With the exponents fixed the
 * law is linear in its scale coefficients (E, A, B, C), fitted by non-negative least squares on the printed losses.
 * Prints the coefficients and each row's fitted loss.
 */
import fs from 'node:fs';
import { calibrateNoise } from '../accountants/scaling/noise.js';
import { parametricTerms } from '../accountants/scaling/lossModel.js';

interface Row {
  units: number;
  epsilon: number;
  loss: number;
  model_params: number;
  steps: number;
  batch_size: number;
}

const EXPONENTS = { alpha: 0.47, beta: 0.12, gamma: 0.95, kappa: -0.07, center: 8, width: 1.6 };

/** Least squares on the columns in `use` (normal equations, Gaussian elimination); the other coefficients are 0. */
function leastSquares(X: number[][], y: number[], use: number[]): number[] | undefined {
  const k = use.length;
  const a = use.map((i) => use.map((j) => X.reduce((s, row) => s + row[i] * row[j], 0)));
  const b = use.map((i) => X.reduce((s, row, r) => s + row[i] * y[r], 0));
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    [b[c], b[p]] = [b[p], b[c]];
    if (Math.abs(a[c][c]) < 1e-300) return undefined;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let j = c; j < k; j++) a[r][j] -= f * a[c][j];
      b[r] -= f * b[c];
    }
  }
  const out = new Array<number>(X[0].length).fill(0);
  use.forEach((i, c) => (out[i] = b[c] / a[c][c]));
  return out;
}

/** Non-negative least squares for a handful of coefficients: the best of all active sets with a feasible solution. */
function nonNegativeLeastSquares(X: number[][], y: number[]): number[] {
  const n = X[0].length;
  let best: { coef: number[]; sse: number } | undefined;
  for (let mask = 1; mask < 1 << n; mask++) {
    const use = [...Array(n).keys()].filter((i) => mask & (1 << i));
    const coef = leastSquares(X, y, use);
    if (!coef || coef.some((c) => c < 0)) continue;
    const sse = X.reduce((s, row, r) => s + (row.reduce((t, x, i) => t + x * coef[i], 0) - y[r]) ** 2, 0);
    if (!best || sse < best.sse) best = { coef, sse };
  }
  return best!.coef;
}

const rows = (JSON.parse(fs.readFileSync('test/fixtures/scaling.json', 'utf8')) as { rows: Row[] }).rows;
// dp_accounting's sigma for the same rows, where computed (test/fixtures/scaling-oracle.json)
const oracle = (
  JSON.parse(fs.readFileSync('test/fixtures/scaling-oracle.json', 'utf8')) as {
    table2Sigma: { row: number; sigmaLow: number; sigmaHigh: number }[];
  }
).table2Sigma;
const X: number[][] = [];
const y: number[] = [];
const points = [];
for (const r of rows) {
  const question = { epsilon: r.epsilon, delta: 1e-8, units: r.units, batchSize: r.batch_size, steps: r.steps };
  const poisson = (await calibrateNoise(question)).noiseMultiplier;
  const unamplified = (await calibrateNoise({ ...question, sampler: 'deterministic' })).noiseMultiplier;
  const sigma = Math.min(poisson, unamplified);
  const p = { modelSize: r.model_params, steps: r.steps, noiseBatchRatio: sigma / r.batch_size };
  points.push({ r, p, poisson, unamplified });
  X.push(parametricTerms(EXPONENTS, p));
  y.push(r.loss);
  process.stderr.write('.');
}
process.stderr.write('\n');
const [E, A, B, C] = nonNegativeLeastSquares(X, y);
console.log(JSON.stringify({ E, A, B, C, ...EXPONENTS }));
console.log('units eps M T B sigma(poisson) vs-dp_accounting sigma(unamplified) nbr loss fitted relErr');
let worst = 0;
let sumSq = 0;
points.forEach(({ r, p, poisson, unamplified }, i) => {
  const fitted = [E, A, B, C].reduce((s, c, j) => s + c * X[i][j], 0);
  const rel = fitted / r.loss - 1;
  worst = Math.max(worst, Math.abs(rel));
  sumSq += rel * rel;
  const ref = oracle.find((o) => o.row === i);
  const versus = ref ? `${((100 * poisson) / ((ref.sigmaLow + ref.sigmaHigh) / 2) - 100).toFixed(3)}%` : '-';
  console.log(
    [
      r.units,
      r.epsilon,
      r.model_params,
      r.steps,
      r.batch_size,
      poisson.toPrecision(5),
      versus,
      unamplified.toPrecision(5),
      p.noiseBatchRatio.toPrecision(3),
      r.loss,
      fitted.toFixed(3),
      (100 * rel).toFixed(1) + '%',
    ].join(' '),
  );
});
console.log(`worst relative error ${(100 * worst).toFixed(1)}%, rms ${(100 * Math.sqrt(sumSq / points.length)).toFixed(1)}%`);
