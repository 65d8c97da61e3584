/**
 * The one root finder of dpacct: for a monotone figure (an epsilon or a delta as a function of a parameter)
 * find the parameter at which it meets a target, one-sided: the value returned is the end of the final
 * bracket whose figure meets the target, so it is never on the wrong side (shared/design/accounting.md
 * section 6). It widens the starting bracket geometrically within [min, max], then refines it by false
 * position on logs (Illinois variant; integers bisect). It never returns an unconverged value: a bracket
 * that cannot be found or refined is an AccountingError (exit 3) naming the bracket it tried.
 *
 * The search is written once as a generator that yields the points it wants evaluated; `solveMonotone`
 * drives it with a synchronous figure, `solveMonotoneAsync` with one that returns a promise (an accountant
 * loaded on demand, a Monte Carlo run).
 */
import { AccountingError } from '../errors.js';

export interface MonotoneSearch {
  /** the figure must be <= target */
  readonly target: number;
  /** `increasing`: the figure grows with x, the largest x meeting the target is sought; `decreasing`: the smallest */
  readonly direction: 'increasing' | 'decreasing';
  /** starting bracket for the parameter (widened geometrically when the answer lies outside) */
  readonly lo: number;
  readonly hi: number;
  /** stop when the bracket is this narrow relative to its ends (default 1e-4); integer searches are exact */
  readonly relTol?: number;
  readonly integer?: boolean;
  /** parameter name for messages, e.g. 'noise multiplier' */
  readonly name: string;
  /** hard limits of the parameter (the widening stops there) */
  readonly min?: number;
  readonly max?: number;
}

export interface SearchResult {
  /** the parameter: its figure meets the target */
  readonly value: number;
  /** the figure at `value` */
  readonly figure: number;
  readonly evaluations: number;
}

/** refinement steps allowed after bracketing (false position converges in far fewer on privacy figures) */
const MAX_REFINEMENTS = 200;

/** The search with a figure evaluated synchronously. */
export function solveMonotone(o: MonotoneSearch, figure: (x: number) => number): SearchResult {
  const it = search(o, o.direction === 'increasing');
  let step = it.next(NaN);
  while (!step.done) step = it.next(figure(step.value));
  return step.value;
}

/** The search with a figure that may be asynchronous. */
export async function solveMonotoneAsync(o: MonotoneSearch, figure: (x: number) => number | Promise<number>): Promise<SearchResult> {
  const it = search(o, o.direction === 'increasing');
  let step = it.next(NaN);
  while (!step.done) step = it.next(await figure(step.value));
  return step.value;
}

function* search(o: MonotoneSearch, increasing: boolean): Generator<number, SearchResult, number> {
  const relTol = o.relTol ?? 1e-4;
  const min = o.min ?? (o.integer ? 1 : 0);
  const max = o.max ?? Infinity;
  let evaluations = 0;
  // each `yield x` hands x to the driver, which evaluates the figure there and sends it back
  const check = (x: number, v: number) => {
    evaluations++;
    if (Number.isNaN(v)) throw new AccountingError(`the figure is not a number at ${o.name} = ${x}`);
    return v;
  };
  const meets = (v: number) => v <= o.target;
  // good: meets the target; bad: does not. For a decreasing figure good > bad, for increasing good < bad.
  let lo = Math.max(min, o.lo);
  let hi = Math.min(max, o.hi);
  let flo = check(lo, yield lo);
  let fhi = check(hi, yield hi);
  if (increasing) {
    // widen until lo is good and hi is bad
    while (!meets(flo)) {
      if (lo <= min) throw new AccountingError(`no ${o.name} >= ${min} meets the target ${o.target} (bracket tried: [${lo}, ${hi}])`);
      hi = lo;
      fhi = flo;
      lo = o.integer ? Math.max(min, Math.floor(lo / 2)) : Math.max(min, lo / 2);
      flo = check(lo, yield lo);
    }
    while (meets(fhi)) {
      if (hi >= max) return { value: hi, figure: fhi, evaluations };
      lo = hi;
      flo = fhi;
      hi = Math.min(max, o.integer ? hi * 2 : hi * 2);
      fhi = check(hi, yield hi);
    }
  } else {
    while (!meets(fhi)) {
      if (hi >= max) throw new AccountingError(`no ${o.name} <= ${max} meets the target ${o.target} (bracket tried: [${lo}, ${hi}])`);
      lo = hi;
      flo = fhi;
      hi = Math.min(max, hi * 2);
      fhi = check(hi, yield hi);
    }
    while (meets(flo)) {
      if (lo <= min) return { value: lo, figure: flo, evaluations };
      hi = lo;
      fhi = flo;
      lo = o.integer ? Math.max(min, Math.floor(lo / 2)) : Math.max(min, lo / 2);
      flo = check(lo, yield lo);
    }
  }
  // keep one good and one bad end; integers bisect, reals use false position (Illinois variant) on
  // figure - target, which converges in a handful of evaluations on these smooth monotone figures
  let good = increasing ? lo : hi;
  let fgood = increasing ? flo : fhi;
  let bad = increasing ? hi : lo;
  // false position runs on ln(figure) - ln(target) against ln(parameter) when all are positive (privacy
  // figures are close to power laws in their parameters), else on the raw values
  const logScale = o.target > 0 && lo > 0 && !o.integer;
  const g = (v: number) => (logScale ? Math.log(Math.max(v, Number.MIN_VALUE)) - Math.log(o.target) : v - o.target);
  const X = (x: number) => (logScale ? Math.log(x) : x);
  const unX = (u: number) => (logScale ? Math.exp(u) : u);
  // interpolation weights at each end (Illinois halves them; fgood stays the true figure)
  let wGood = g(fgood);
  let wBad = g(increasing ? fhi : flo);
  let side = 0;
  const converged = () => (o.integer ? Math.abs(good - bad) <= 1 : Math.abs(good - bad) <= relTol * Math.abs(good));
  for (let i = 0; i < MAX_REFINEMENTS && !converged(); i++) {
    let mid: number;
    if (o.integer) mid = Math.floor((good + bad) / 2);
    else {
      const a = X(good);
      const b = X(bad);
      let u = Number.isFinite(wBad) && wBad !== wGood ? a - (wGood * (b - a)) / (wBad - wGood) : 0.5 * (a + b);
      // stay strictly inside, and away from the ends so the bracket keeps shrinking
      const t = (u - a) / (b - a);
      if (!(t > 0.01 && t < 0.99)) u = a + (b - a) * (t >= 0.99 ? 0.99 : t <= 0.01 ? 0.01 : 0.5);
      mid = unX(u);
    }
    const fm = check(mid, yield mid);
    if (meets(fm)) {
      good = mid;
      fgood = fm;
      wGood = g(fm);
      // Illinois: halve the weight of an end that stays put twice
      if (side === 1) wBad /= 2;
      side = 1;
    } else {
      bad = mid;
      wBad = g(fm);
      if (side === -1) wGood /= 2;
      side = -1;
    }
  }
  // refuse rather than return a value whose precision was not reached
  if (!converged())
    throw new AccountingError(
      `${o.name}: no convergence to relative width ${relTol} within ${MAX_REFINEMENTS} refinements (bracket [${Math.min(good, bad)}, ${Math.max(good, bad)}])`,
    );
  return { value: good, figure: fgood, evaluations };
}

/**
 * Plain bisection of a bracket [lo, hi] of a monotone predicate: `below(x)` is true when the root lies above x
 * (x becomes the new lo), false when it lies at or below x (x becomes the new hi). Steps while `done(lo, hi,
 * steps)` is false, at most `maxSteps` times, and stops early when the midpoint is no longer strictly inside
 * the bracket (float64 has nothing left between the ends). Returns the final bracket, so each caller keeps
 * the end that is on its safe side; `steps` counts the evaluations of `below`.
 */
export function bisect(o: {
  readonly lo: number;
  readonly hi: number;
  readonly below: (x: number) => boolean;
  readonly done: (lo: number, hi: number, steps: number) => boolean;
  readonly maxSteps: number;
  /** the point tried inside (lo, hi); default the arithmetic midpoint */
  readonly midpoint?: (lo: number, hi: number) => number;
}): { readonly lo: number; readonly hi: number; readonly steps: number } {
  let { lo, hi } = o;
  let steps = 0;
  while (steps < o.maxSteps && !o.done(lo, hi, steps)) {
    const mid = o.midpoint ? o.midpoint(lo, hi) : 0.5 * (lo + hi);
    if (!(mid > lo && mid < hi)) break;
    steps++;
    if (o.below(mid)) lo = mid;
    else hi = mid;
  }
  return { lo, hi, steps };
}
