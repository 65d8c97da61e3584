/**
 * Repeat and select (Papernot and Steinke 2022, "Hyperparameter Tuning with Renyi Differential Privacy", arXiv
 * 2110.03620): a private algorithm with RDP curve eps(.) is run K times, K random with mean mu, and only the best
 * run is released. For K truncated negative binomial with shape eta >= 0 and parameter gamma (eta = 1 geometric,
 * eta = 0 logarithmic; Theorem 2),
 *   eps'(lambda) <= eps(lambda) + (1 + eta) min_l [(1 - 1/l) eps(l) + ln(1/gamma) / l] + ln(mu) / (lambda - 1),
 * the min over the curve's orders, and RDP is nondecreasing in the order, so each order also takes the best
 * bound of the larger orders. For K Poisson (eta = infinity; Theorem 6),
 *   eps'(lambda) <= eps(lambda) + mu delta + ln(mu) / (lambda - 1), delta = delta(ln(1 + 1/(lambda - 1))) of eps(.).
 * As dp_accounting's RdpAccountant computes it (RepeatAndSelectDpEvent), so figures compare.
 */
import { InputError } from '../../src/errors.js';
import { deltaFromRdp, type RdpCurve } from './conversion.js';

const { expm1, log, log1p, min } = Math;

/** (e^x - 1) / x, 1 at 0 */
const expm1OverX = (x: number) => (x === 0 ? 1 : expm1(x) / x);
/** ln(x) / (x - 1), 1 at 1 */
const logOverXm1 = (x: number) => (x === 1 ? 1 : log1p(x - 1) / (x - 1));

/** Mean of the truncated negative binomial with shape eta and parameter gamma (Papernot and Steinke, Definition 1). */
export function truncatedNegativeBinomialMean(gamma: number, eta: number): number {
  if (eta === 1) return 1 / gamma;
  if (eta === 0) return 1 / (gamma * logOverXm1(gamma));
  return 1 / (gamma * expm1OverX(eta * log(gamma)) * logOverXm1(gamma));
}

/**
 * gamma for a given mean, by bisection to relative width 1e-9; the lower end is returned (a smaller gamma, a
 * larger ln(1/gamma), so the bound can only grow).
 */
export function gammaForMean(eta: number, mean: number): number {
  if (eta === 1) return 1 / mean;
  let lo = 0;
  let hi = min(1, (2 * (eta + 1)) / mean);
  while (hi > lo * (1 + 1e-9)) {
    const mid = (lo + hi) / 2;
    if (truncatedNegativeBinomialMean(mid, eta) < mean) hi = mid;
    else lo = mid;
  }
  return lo;
}

/** The RDP curve of repeat-and-select over a single run's curve (Infinity where no bound holds). */
export function repeatAndSelectRdp(curve: RdpCurve, mean: number, shape: number): Float64Array {
  if (!(mean >= 1)) throw new InputError('repeatAndSelect.mean', 'a number >= 1', mean);
  if (!(shape >= 0)) throw new InputError('repeatAndSelect.shape', 'a number >= 0 or Infinity', shape);
  const { orders, rdp } = curve;
  const out = new Float64Array(orders.length).fill(Infinity);
  if (shape === Infinity) {
    for (let i = 0; i < orders.length; i++) {
      const a = orders[i];
      if (a <= 1) continue;
      const delta = deltaFromRdp({ orders, rdp, epsilon: log1p(1 / (a - 1)) }).delta;
      out[i] = rdp[i] + mean * delta + log(mean) / (a - 1);
    }
    return out;
  }
  const gamma = gammaForMean(shape, mean);
  let best = Infinity;
  for (let k = 0; k < orders.length; k++) best = min(best, (1 - 1 / orders[k]) * rdp[k] - log(gamma) / orders[k]);
  const c = (1 + shape) * best;
  for (let i = 0; i < orders.length; i++) if (orders[i] > 1) out[i] = rdp[i] + log(mean) / (orders[i] - 1) + c;
  // RDP grows with the order: a bound at a larger order holds at a smaller one
  const result = new Float64Array(out);
  for (let i = 0; i < orders.length; i++)
    for (let j = 0; j < orders.length; j++) if (orders[j] >= orders[i]) result[i] = min(result[i], out[j]);
  return result;
}
