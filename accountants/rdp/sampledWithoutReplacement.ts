/**
 * RDP of the Gaussian mechanism on a batch of fixed size drawn without replacement (a fraction gamma = b/n of
 * the units), under replace-one adjacency: Wang, Balle, Kasiviswanathan 2019 ("Subsampled Renyi Differential
 * Privacy and Analytical Moments Accountant", AISTATS, arXiv 1808.00087), Theorem 9 with the strengthening of
 * Theorem 27 for the subsampled Gaussian, as dp_accounting's RdpAccountant computes it (its
 * SampledWithoutReplacementDpEvent), so that figures compare.
 *
 * With eps(a) = a / (2 sigma^2) the base mechanism's RDP (sigma: noise over the replace-one sensitivity) and
 * h(x) = e^((x - 1) eps(x)) its moments, for integer alpha >= 2:
 *   A_alpha <= 1 + gamma^2 C(alpha, 2) min(4 (e^eps(2) - 1), 2 e^eps(2))
 *            + sum_{j=3..alpha} gamma^j C(alpha, j) min(4 sqrt(|D^(2 floor(j/2))| |D^(2 ceil(j/2))|), 2 h(j)),
 * D^k = the k-th forward difference of h at 0; RDP = ln A_alpha / (alpha - 1). Above order 256 only the second
 * branch of each min is used (a larger, still valid bound, and dp_accounting's choice). Fractional orders
 * interpolate ln A linearly between the neighbouring integers (WBK19, Corollary 10: ln A is convex in alpha).
 */
import { logAddExp, logSubExp } from '../../src/numeric/logsumexp.js';

const { ceil, floor, log, LN2, min } = Math;
const LN4 = 2 * LN2;
/** Above this order only the simple branch is used (the forward-difference table grows as alpha^2). */
const MAX_EXACT_ORDER = 256;

/** ln C(n, k) */
function logBinomial(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += log(n - k + i) - log(i);
  return s;
}

/** ln |D^k h(0)| for k = 0..n, from the forward-difference table kept as (log magnitude, sign) pairs. */
function logForwardDifferences(logH: (x: number) => number, n: number): number[] {
  let mag = Array.from({ length: n + 1 }, (_, i) => logH(i));
  let sign = new Array<number>(n + 1).fill(1);
  const out = [mag[0]];
  for (let k = 1; k <= n; k++) {
    const nextMag: number[] = [];
    const nextSign: number[] = [];
    for (let i = 0; i + 1 < mag.length; i++) {
      // (sign[i+1] e^mag[i+1]) - (sign[i] e^mag[i])
      const a = mag[i + 1];
      const sa = sign[i + 1];
      const b = mag[i];
      const sb = -sign[i];
      if (sa === sb) {
        nextMag.push(logAddExp(a, b));
        nextSign.push(sa);
      } else if (a >= b) {
        nextMag.push(logSubExp(a, b));
        nextSign.push(sa);
      } else {
        nextMag.push(logSubExp(b, a));
        nextSign.push(sb);
      }
    }
    mag = nextMag;
    sign = nextSign;
    out.push(mag[0]);
  }
  return out;
}

const tables = new Map<number, number[]>();

/** ln A_alpha for integer alpha >= 2. */
function logAInteger(gamma: number, sigma: number, alpha: number): number {
  const eps = (a: number) => a / (2 * sigma * sigma);
  const logMoment = (j: number) => (j - 1) * eps(j); // ln h(j)
  const logGamma = log(gamma);
  let logA = 0;
  for (let j = 2; j <= alpha; j++) {
    let branch: number;
    if (j === 2) branch = min(LN4 + logSubExp(eps(2), 0), eps(2) + LN2);
    else {
      branch = LN2 + logMoment(j);
      if (alpha <= MAX_EXACT_ORDER) {
        let d = tables.get(sigma);
        if (d === undefined) {
          d = logForwardDifferences(logMoment, MAX_EXACT_ORDER + 1);
          tables.set(sigma, d);
        }
        branch = min(branch, LN4 + 0.5 * (d[2 * floor(j / 2)] + d[2 * ceil(j / 2)]));
      }
    }
    logA = logAddExp(logA, logBinomial(alpha, j) + j * logGamma + branch);
  }
  return logA;
}

/** RDP at `order` of one step: Gaussian noise `noiseMultiplier` (over the replace-one sensitivity), fraction gamma sampled. */
export function sampledWithoutReplacementGaussianRenyi(o: {
  readonly samplingRate: number;
  readonly noiseMultiplier: number;
  readonly order: number;
}): number {
  const { samplingRate: gamma, noiseMultiplier: sigma, order: alpha } = o;
  if (gamma === 1) return alpha / (2 * sigma * sigma);
  if (Number.isInteger(alpha)) return logAInteger(gamma, sigma, alpha) / (alpha - 1);
  const lo = floor(alpha);
  const hi = ceil(alpha);
  const t = alpha - lo;
  const x = lo < 2 ? 0 : logAInteger(gamma, sigma, lo);
  return ((1 - t) * x + t * logAInteger(gamma, sigma, hi)) / (alpha - 1);
}
