/**
 * The RDP fallback for balls-and-bins with the Gaussian mechanism (`--method rdp`): a certified upper bound,
 * looser than the random-allocation PLD, from Feldman & Shenfeld 2025 ("Privacy amplification by random
 * allocation", arXiv 2502.08202, the "direct" analysis). Noise s = sigma / sensitivity, T steps per epoch,
 * E epochs, Y_i = exp(x_i / s^2 - 1/(2 s^2)) the likelihood ratio of step i.
 *
 * Remove direction, D_a(P || Q) with P = (1/T) sum_i N(e_i, s^2 I), Q = N(0, s^2 I), at integer orders a:
 *   E_Q[(mean_i Y_i)^a] = T^-a sum over k_1 + .. + k_T = a of a! / prod k_i! prod E_Q[Y^k_i],
 *   E_Q[Y^k] = exp(k (k - 1) / (2 s^2)),
 * which is a! T^-a e^(-a / (2 s^2)) times the coefficient of x^a in f(x)^T, f(x) = sum_k e^(k^2/(2 s^2)) x^k / k!
 * (FS25 sum the same terms over the integer partitions of a). The power f^T, truncated at the largest
 * order, is computed once by repeated squaring in the log domain, which gives every order 2..MAX_ORDER at
 * once. The E epochs add up (RDP composition) and the curve is converted to (eps, delta) by
 * accountants/rdp/conversion.ts, as the RDP accountant does.
 *
 * Add direction (the law of -ln mean_i Y_i under Q): ln mean_i Y_i >= mean_i ln Y_i (Jensen), so the add loss
 * of one epoch is at most that of a Gaussian mechanism with noise s sqrt(T) plus c = (1 - 1/T) / (2 s^2), for
 * every outcome (FS25's add-direction bound). Over E epochs the losses add: a Gaussian with noise
 * s sqrt(T / E) plus E c, whose delta(eps) is the analytic Gaussian's at eps - E c (Balle & Wang 2018).
 * (FS25's public code adds c once for all epochs; the argument above gives E c, which is what is used.)
 * The figure is the larger of the two directions: a bound for the add-remove relation.
 */
import { AccountingError } from '../../src/errors.js';
import type { GaussianBatchSetting } from '../../src/plan.js';
import { analyticGaussianEpsilon, analyticGaussianLogDelta } from '../deterministic.js';
import { deltaFromRdp, epsilonFromRdp } from '../rdp/conversion.js';

const { exp, log, max, min, sqrt } = Math;

/** Largest integer Renyi order evaluated (the power series is truncated here). */
export const MAX_ORDER = 256;

/** Relative margin added to every RDP value for float64 rounding of the log-domain sums (booked against the user). */
const ROUNDING_MARGIN = 1e-10;

/** ln of sum_i exp(a_i + b_{n-i}) for every n <= N: the log-domain product of two truncated series. */
function logProduct(a: Float64Array, b: Float64Array): Float64Array {
  const n = a.length;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let top = -Infinity;
    for (let i = 0; i <= k; i++) {
      const v = a[i] + b[k - i];
      if (v > top) top = v;
    }
    if (top === -Infinity) {
      out[k] = -Infinity;
      continue;
    }
    let sum = 0;
    for (let i = 0; i <= k; i++) sum += exp(a[i] + b[k - i] - top);
    out[k] = top + log(sum);
  }
  return out;
}

function logFactorials(n: number): Float64Array {
  const f = new Float64Array(n + 1);
  for (let k = 2; k <= n; k++) f[k] = f[k - 1] + log(k);
  return f;
}

/**
 * Remove-direction RDP of one epoch at the integer orders 2..maxOrder: `rdp[k]` is at order `orders[k]`.
 * Every value is rounded up by a relative ROUNDING_MARGIN.
 */
export function removeRdpOneEpoch(noise: number, stepsPerEpoch: number, maxOrder = MAX_ORDER): { orders: number[]; rdp: Float64Array } {
  if (!(noise > 0) || !Number.isFinite(noise)) throw new AccountingError(`the RDP bound needs a finite noise multiplier > 0, got ${noise}`);
  const lf = logFactorials(maxOrder);
  const g = 1 / (2 * noise * noise);
  // ln of the coefficients of f: k^2 g - ln k!
  const base = new Float64Array(maxOrder + 1);
  for (let k = 0; k <= maxOrder; k++) base[k] = k * k * g - lf[k];
  // f^T by repeated squaring (T in binary)
  let result: Float64Array | undefined;
  let power: Float64Array = base;
  for (let t = stepsPerEpoch; t > 0; t = Math.floor(t / 2)) {
    if (t % 2 === 1) result = result === undefined ? power : logProduct(result, power);
    if (t > 1) power = logProduct(power, power);
  }
  const orders: number[] = [];
  const rdp = new Float64Array(maxOrder - 1);
  for (let a = 2; a <= maxOrder; a++) {
    const logMoment = lf[a] - a * log(stepsPerEpoch) - a * g + result![a];
    const r = max(0, logMoment / (a - 1));
    orders.push(a);
    rdp[a - 2] = Number.isFinite(r) ? r * (1 + ROUNDING_MARGIN) + 1e-300 : Infinity;
  }
  return { orders, rdp };
}

export interface RdpBoundFigure {
  /** the larger of the two directions */
  readonly upper: number;
  readonly remove: number;
  readonly add: number;
  /** the Renyi order that gave the remove figure */
  readonly order: number;
}

/** The add direction's Gaussian noise and shift over E epochs (see the header). */
function addShift(s: GaussianBatchSetting): { noise: number; shift: number } {
  const T = s.stepsPerEpoch;
  return { noise: s.noiseMultiplier * sqrt(T / s.epochs), shift: (s.epochs * (1 - 1 / T)) / (2 * s.noiseMultiplier * s.noiseMultiplier) };
}

function composedRemove(s: GaussianBatchSetting): { orders: number[]; rdp: Float64Array } {
  const one = removeRdpOneEpoch(s.noiseMultiplier, s.stepsPerEpoch);
  return { orders: one.orders, rdp: one.rdp.map((r) => r * s.epochs) };
}

/** Certified upper bound on epsilon at `delta`. */
export function allocationRdpEpsilon(s: GaussianBatchSetting, delta: number): RdpBoundFigure {
  const remove = epsilonFromRdp({ ...composedRemove(s), delta });
  const { noise, shift } = addShift(s);
  const add = analyticGaussianEpsilon({ noiseMultiplier: noise, delta }).upper + shift;
  return { upper: max(remove.epsilon, add), remove: remove.epsilon, add, order: remove.order };
}

/** Certified upper bound on delta at `epsilon`. */
export function allocationRdpDelta(s: GaussianBatchSetting, epsilon: number): RdpBoundFigure {
  const remove = deltaFromRdp({ ...composedRemove(s), epsilon });
  const { noise, shift } = addShift(s);
  // the analytic Gaussian's delta holds at any real eps, also below 0 (then it is large)
  const add = min(1, exp(analyticGaussianLogDelta({ noiseMultiplier: noise, epsilon: epsilon - shift })));
  return { upper: max(remove.delta, add), remove: remove.delta, add, order: remove.order };
}
