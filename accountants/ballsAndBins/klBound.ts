/**
 * One-sided confidence bounds for the mean of [0, 1]-valued i.i.d. terms, by exact inversion of the Chernoff
 * (binomial Kullback-Leibler) tail bound.
 *
 * Bound. Let Y_1..Y_n be i.i.d. in [0, 1] with mean mu and Ybar their average. For every q <= mu,
 *   P(Ybar <= q) <= exp(-n KL(q || mu)),      KL(q || p) = q ln(q/p) + (1-q) ln((1-q)/(1-p))
 * (Hoeffding 1963, Theorem 1; a [0, 1] variable has a moment generating function no larger than the Bernoulli
 * variable with the same mean, by convexity of e^{lambda y}, so the Bernoulli/binomial Chernoff bound applies).
 *
 * Upper confidence bound. U(Ybar) = the largest p in [Ybar, 1] with n KL(Ybar || p) <= ln(1/beta). If mu > U then
 * n KL(Ybar || mu) > ln(1/beta) with Ybar < mu, which by the bound above happens with probability at most beta:
 * P(mu > U) <= beta. KL(q || .) increases on [q, 1] and tends to infinity at 1, so U is found by bisection; we
 * return the upper end of the final bracket, so rounding only makes U larger. With no hits (Ybar = 0) the bound is
 * explicit: U = 1 - beta^(1/n) = -expm1(ln(beta)/n), about ln(1/beta)/n.
 *
 * The lower confidence bound is the mirror image (smallest p in [0, Ybar] with n KL(Ybar || p) <= ln(1/beta)).
 *
 * Terms in [0, s] (importance sampling with region mass s) are divided by s first and the bounds multiplied back.
 */
import { bisect } from '../../src/numeric/rootFinder.js';

/** KL(q || p) between Bernoulli(q) and Bernoulli(p); log1p forms keep it accurate when p is close to q. */
export function bernoulliKl(q: number, p: number): number {
  if (q === p) return 0;
  if (p <= 0) return q === 0 ? 0 : Infinity;
  if (p >= 1) return q === 1 ? 0 : Infinity;
  const d = p - q;
  const a = q === 0 ? 0 : -q * Math.log1p(d / q); // q ln(q/p)
  const b = q === 1 ? 0 : (1 - q) * Math.log1p(d / (1 - p)); // (1-q) ln((1-q)/(1-p))
  return a + b;
}

function checkArguments(mean: number, samples: number, failureProbability: number): void {
  if (!(mean >= 0 && mean <= 1)) throw new RangeError(`KL bound: mean ${mean} outside [0, 1]`);
  if (!(Number.isInteger(samples) && samples >= 1)) throw new RangeError(`KL bound: samples ${samples} not a positive integer`);
  if (!(failureProbability > 0 && failureProbability < 1)) {
    throw new RangeError(`KL bound: failure probability ${failureProbability} outside (0, 1)`);
  }
}

/**
 * Upper confidence bound at failure probability beta for the mean of n i.i.d. [0, 1] terms whose average is
 * `mean` (see the module comment): P(true mean > bound) <= beta.
 */
export function klUpperConfidenceBound(o: {
  readonly mean: number;
  readonly samples: number;
  readonly failureProbability: number;
}): number {
  checkArguments(o.mean, o.samples, o.failureProbability);
  const q = o.mean;
  const target = -Math.log(o.failureProbability) / o.samples;
  if (q >= 1) return 1;
  if (q === 0) return -Math.expm1(-target);
  // the width is checked after each step (from the second on), as the bound is a step past the first bracket
  const b = bisect({
    lo: q,
    hi: 1,
    below: (u) => !(bernoulliKl(q, u) > target),
    done: (l, h, steps) => steps > 0 && h - l <= 1e-15 * h,
    maxSteps: 200,
  });
  return b.hi;
}

/** Lower confidence bound (mirror of the upper one): P(true mean < bound) <= beta. */
export function klLowerConfidenceBound(o: {
  readonly mean: number;
  readonly samples: number;
  readonly failureProbability: number;
}): number {
  checkArguments(o.mean, o.samples, o.failureProbability);
  const q = o.mean;
  const target = -Math.log(o.failureProbability) / o.samples;
  if (q <= 0) return 0;
  if (q === 1) return Math.exp(-target);
  const b = bisect({
    lo: 0,
    hi: q,
    below: (u) => bernoulliKl(q, u) > target,
    done: (l, h, steps) => steps > 0 && h - l <= 1e-15 * h,
    maxSteps: 200,
  });
  return b.lo;
}

/**
 * Smallest n for which a per-term average equal to `rate` gives an upper confidence bound at most `target`
 * (both in [0, 1] units): n = ceil(ln(1/beta) / KL(rate || target)). With rate = 0 this is about
 * ln(1/beta) / target. Infinity when rate >= target (no n suffices).
 */
export function samplesToResolve(o: { readonly rate: number; readonly target: number; readonly failureProbability: number }): number {
  if (!(o.target > o.rate)) return Infinity;
  if (o.target >= 1) return 1;
  const kl = bernoulliKl(o.rate, o.target);
  return Math.max(1, Math.ceil(-Math.log(o.failureProbability) / kl));
}
