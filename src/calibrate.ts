/**
 * One-sided calibration: find the parameter at which a monotone privacy figure (an epsilon or a delta)
 * meets a target, and return the end of the final bracket that meets it, so the reported parameter is
 * never on the wrong side of the target (shared/design/accounting.md section 6).
 */
import { AccountingError } from './errors.js';

export interface CalibrationOptions {
  /** the figure as a function of the parameter */
  readonly figure: (x: number) => number;
  /** the figure must be <= target */
  readonly target: number;
  /** search range for the parameter (the search widens it geometrically when the answer lies outside) */
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

export interface Calibration {
  readonly value: number;
  readonly figure: number;
  readonly evaluations: number;
}

/**
 * Smallest x whose figure meets the target, for a figure that falls as x grows (e.g. epsilon in the noise
 * multiplier).
 */
export function calibrateDecreasing(o: CalibrationOptions): Calibration {
  return search(o, false);
}

/**
 * Largest x whose figure meets the target, for a figure that grows with x (e.g. epsilon in the number of
 * steps or the sampling rate).
 */
export function calibrateIncreasing(o: CalibrationOptions): Calibration {
  return search(o, true);
}

function search(o: CalibrationOptions, increasing: boolean): Calibration {
  const relTol = o.relTol ?? 1e-4;
  const min = o.min ?? (o.integer ? 1 : 0);
  const max = o.max ?? Infinity;
  let evaluations = 0;
  const f = (x: number) => {
    evaluations++;
    const v = o.figure(x);
    if (Number.isNaN(v)) throw new AccountingError(`the figure is not a number at ${o.name} = ${x}`);
    return v;
  };
  const meets = (v: number) => v <= o.target;
  // good: meets the target; bad: does not. For a decreasing figure good > bad, for increasing good < bad.
  let lo = Math.max(min, o.lo);
  let hi = Math.min(max, o.hi);
  let flo = f(lo);
  let fhi = f(hi);
  if (increasing) {
    // widen until lo is good and hi is bad
    while (!meets(flo)) {
      if (lo <= min) throw new AccountingError(`no ${o.name} >= ${min} meets the target ${o.target}`);
      hi = lo;
      fhi = flo;
      lo = o.integer ? Math.max(min, Math.floor(lo / 2)) : Math.max(min, lo / 2);
      flo = f(lo);
    }
    while (meets(fhi)) {
      if (hi >= max) return { value: hi, figure: fhi, evaluations };
      lo = hi;
      flo = fhi;
      hi = Math.min(max, o.integer ? hi * 2 : hi * 2);
      fhi = f(hi);
    }
  } else {
    while (!meets(fhi)) {
      if (hi >= max) throw new AccountingError(`no ${o.name} <= ${max} meets the target ${o.target}`);
      lo = hi;
      flo = fhi;
      hi = Math.min(max, hi * 2);
      fhi = f(hi);
    }
    while (meets(flo)) {
      if (lo <= min) return { value: lo, figure: flo, evaluations };
      hi = lo;
      fhi = flo;
      lo = o.integer ? Math.max(min, Math.floor(lo / 2)) : Math.max(min, lo / 2);
      flo = f(lo);
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
  for (let i = 0; i < 200; i++) {
    if (o.integer ? Math.abs(good - bad) <= 1 : Math.abs(good - bad) <= relTol * Math.abs(good)) break;
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
    const fm = f(mid);
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
  return { value: good, figure: fgood, evaluations };
}
