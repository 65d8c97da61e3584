/**
 * From an RDP curve (epsilon_alpha at each order alpha) to (epsilon, delta)-DP, as dp_accounting's
 * rdp_privacy_accountant.compute_epsilon / compute_delta do, so figures agree with it:
 * - Canonne, Kamath, Steinke 2020 ("The Discrete Gaussian for Differential Privacy", arXiv 2004.00010,
 *   Proposition 12 in v4) and Balle et al. 2020 ("Hypothesis Testing Interpretations and Renyi Differential
 *   Privacy", AISTATS):
 *   delta = e^((alpha-1)(eps_alpha - eps)) / alpha * (1 - 1/alpha)^(alpha-1), i.e.
 *   eps = eps_alpha + ln(1 - 1/alpha) - ln(delta alpha) / (alpha - 1). Used for alpha > 1.01 only (not
 *   numerically stable closer to 1, and never the best order there).
 * - The KL bound: the total variation is at most sqrt(1 - e^(-KL)) (Bretagnolle-Huber) and KL <= eps_alpha
 *   for every alpha > 1, so delta(0) <= sqrt(1 - e^(-eps_alpha)).
 * The best order is the one giving the smallest figure (the first such order on ties).
 */
import { InputError } from '../../src/errors.js';

/** An RDP curve: `rdp[k]` bounds the Renyi divergence at `orders[k]` (+Infinity = no bound at that order). */
export interface RdpCurve {
  readonly orders: readonly number[];
  readonly rdp: ArrayLike<number>;
}

/** Orders closer to 1 than this are used only through the KL bound (as in dp_accounting). */
const MIN_CONVERSION_ORDER = 1.01;

/**
 * The smallest epsilon the curve certifies at `delta`, and the order that gives it.
 * epsilon is +Infinity (with the first order) when no order gives a finite bound, e.g. every rdp is +Infinity.
 */
export function epsilonFromRdp(o: RdpCurve & { readonly delta: number }): {
  readonly epsilon: number;
  readonly order: number;
} {
  validateCurve(o);
  validateOpenUnit('delta', o.delta);
  const { orders, rdp, delta } = o;
  let best = Infinity;
  let bestOrder = orders[0];
  for (let k = 0; k < orders.length; k++) {
    const a = orders[k];
    const r = rdp[k];
    let eps: number;
    if (delta * delta + Math.expm1(-r) > 0)
      eps = 0; // KL bound already gives delta(0) <= delta
    else if (a > MIN_CONVERSION_ORDER) eps = r + Math.log1p(-1 / a) - Math.log(delta * a) / (a - 1);
    else eps = Infinity;
    if (eps < best) {
      best = eps;
      bestOrder = a;
    }
  }
  return { epsilon: Math.max(0, best), order: bestOrder };
}

/** The smallest delta the curve certifies at `epsilon`, and the order that gives it (delta is at most 1). */
export function deltaFromRdp(o: RdpCurve & { readonly epsilon: number }): {
  readonly delta: number;
  readonly order: number;
} {
  validateCurve(o);
  if (typeof o.epsilon !== 'number' || !Number.isFinite(o.epsilon) || o.epsilon < 0) {
    throw new InputError('epsilon', 'a finite number >= 0', o.epsilon);
  }
  const { orders, rdp, epsilon } = o;
  let bestLog = Infinity;
  let bestOrder = orders[0];
  for (let k = 0; k < orders.length; k++) {
    const a = orders[k];
    const r = rdp[k];
    let logDelta = r === 0 ? -Infinity : 0.5 * Math.log1p(-Math.exp(-r)); // KL bound on delta(0) >= delta(eps)
    if (a > MIN_CONVERSION_ORDER) {
      logDelta = Math.min(logDelta, (a - 1) * (r - epsilon + Math.log1p(-1 / a)) - Math.log(a));
    }
    if (logDelta < bestLog) {
      bestLog = logDelta;
      bestOrder = a;
    }
  }
  return { delta: Math.min(1, Math.exp(bestLog)), order: bestOrder };
}

/** Orders: a non-empty list of finite numbers > 1. */
export function validateOrders(orders: unknown, field = 'orders'): asserts orders is readonly number[] {
  if (!Array.isArray(orders) || orders.length === 0) {
    throw new InputError(field, 'a non-empty list of Renyi orders > 1', orders);
  }
  orders.forEach((a, k) => {
    if (typeof a !== 'number' || !Number.isFinite(a) || a <= 1) {
      throw new InputError(`${field}[${k}]`, 'a finite number > 1', a);
    }
  });
}

function validateCurve(o: RdpCurve): void {
  validateOrders(o.orders);
  const rdp = o.rdp as ArrayLike<unknown> | undefined;
  if (rdp == null || typeof rdp.length !== 'number' || rdp.length !== o.orders.length) {
    throw new InputError('rdp', `a list of ${o.orders.length} values, one per order`, rdp);
  }
  for (let k = 0; k < rdp.length; k++) {
    const r = rdp[k];
    if (typeof r !== 'number' || Number.isNaN(r) || r < 0) {
      throw new InputError(`rdp[${k}]`, 'a number >= 0 (or Infinity)', r);
    }
  }
}

function validateOpenUnit(field: string, value: number): void {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new InputError(field, 'a number in (0, 1)', value);
  }
}
