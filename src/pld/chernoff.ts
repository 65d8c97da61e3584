/**
 * Chernoff bounds on the tails of a composition, used to size the FFT window so that wrapped-around and
 * cut-off mass is provably below a budget: for a measure mu and any lambda > 0,
 *   mu^{*c}(S >= b) <= exp(c ln M(lambda) - lambda b),  M(lambda) = sum_l m_l e^(lambda l)   (Markov),
 * and likewise for the lower tail with -lambda. The bound b(lambda) = (Lambda(lambda) - ln tail) / lambda is
 * quasi-convex in lambda (Lambda is convex), so a golden-section search in ln(lambda) finds its minimum;
 * any lambda gives a valid bound, so the search only affects tightness.
 */
import type { GridPmf } from './grid.js';

// bound once: global Math lookups are slow in hot loops under some module loaders (jest's vm)
const { abs, ceil, exp, floor, log, max, min, sqrt } = Math;

export interface Part {
  readonly pmf: GridPmf;
  readonly count: number;
}

const CHUNK = 256;

/**
 * ln sum_i m_i e^(lambda l_i), exactly (to rounding): within chunks of the grid the exponentials form a
 * geometric sequence, so one exp per chunk and one multiplication per point suffice.
 */
export function logMgf(pmf: GridPmf, lambda: number): number {
  const { masses, offset, interval: h } = pmf;
  const ratio = exp(lambda * h);
  const chunkLogs: number[] = [];
  let top = -Infinity;
  const direct = abs(lambda * h * CHUNK) > 600;
  for (let start = 0; start < masses.length; start += CHUNK) {
    const end = min(masses.length, start + CHUNK);
    const base = lambda * (offset + start) * h;
    let sum = 0;
    if (direct) {
      // steep exponentials: normalise each term by the chunk's first point
      for (let i = start; i < end; i++) if (masses[i] > 0) sum += masses[i] * exp(lambda * (i - start) * h);
    } else {
      let factor = 1;
      for (let i = start; i < end; i++) {
        sum += masses[i] * factor;
        factor *= ratio;
      }
    }
    if (sum > 0) {
      const v = base + log(sum);
      chunkLogs.push(v);
      if (v > top) top = v;
    }
  }
  if (top === -Infinity) return -Infinity;
  let total = 0;
  for (const v of chunkLogs) total += exp(v - top);
  return top + log(total);
}

export interface TailWindow {
  /** lowest and highest loss kept */
  readonly low: number;
  readonly high: number;
  /** certified bounds on the composed mass strictly below `low` and strictly above `high` */
  readonly massBelow: number;
  readonly massAbove: number;
}

/** Mean and standard deviation of the composition's finite loss (to scale the lambda search). */
function spread(parts: readonly Part[]): number {
  let variance = 0;
  for (const { pmf, count } of parts) {
    let m0 = 0;
    let m1 = 0;
    let m2 = 0;
    for (let i = 0; i < pmf.masses.length; i++) {
      const m = pmf.masses[i];
      if (m === 0) continue;
      const l = (pmf.offset + i) * pmf.interval;
      m0 += m;
      m1 += m * l;
      m2 += m * l * l;
    }
    if (m0 === 0) continue;
    const mu = m1 / m0;
    variance += count * max(0, m2 / m0 - mu * mu);
  }
  return sqrt(variance);
}

/**
 * Minimise a quasi-convex function of ln(lambda) over [ln lo, ln hi] by golden-section search; returns the
 * best value seen and its lambda.
 */
function minimiseOverLambda(f: (lambda: number) => number, lo: number, hi: number): { value: number; lambda: number } {
  const g = (sqrt(5) - 1) / 2;
  let a = log(lo);
  let b = log(hi);
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(exp(c));
  let fd = f(exp(d));
  let best = fc <= fd ? { value: fc, lambda: exp(c) } : { value: fd, lambda: exp(d) };
  // 18 steps shrink the bracket (7 decades of lambda) to a factor 1.3: enough, any lambda is valid
  for (let i = 0; i < 18; i++) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(exp(c));
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(exp(d));
    }
    if (fc < best.value) best = { value: fc, lambda: exp(c) };
    if (fd < best.value) best = { value: fd, lambda: exp(d) };
  }
  return best;
}

/**
 * A window [low, high] of losses (multiples of the common grid interval) outside which the composition of
 * the parts has mass at most about `tail` on each side, clipped to the support, with certified bounds on
 * the mass outside.
 */
export function tailWindow(parts: readonly Part[], tail: number): TailWindow {
  const h = parts[0].pmf.interval;
  let supportLow = 0;
  let supportHigh = 0;
  for (const { pmf, count } of parts) {
    let first = 0;
    while (first < pmf.masses.length - 1 && !(pmf.masses[first] > 0)) first++;
    let last = pmf.masses.length - 1;
    while (last > 0 && !(pmf.masses[last] > 0)) last--;
    supportLow += count * (pmf.offset + first);
    supportHigh += count * (pmf.offset + last);
  }
  const logMgfTotal = (lambda: number) => parts.reduce((s, p) => s + p.count * logMgf(p.pmf, lambda), 0);
  const sd = spread(parts);
  const scale = sd > 0 ? sd : h;
  const logTail = log(tail);
  const lambdaLo = 1e-3 / scale;
  const lambdaHi = 1e4 / scale;
  const upperEnd = (lambda: number) => {
    const v = (logMgfTotal(lambda) - logTail) / lambda;
    return Number.isNaN(v) ? Infinity : v;
  };
  const lowerEnd = (lambda: number) => {
    const v = (logMgfTotal(-lambda) - logTail) / lambda;
    return Number.isNaN(v) ? Infinity : v;
  };
  const up = minimiseOverLambda(upperEnd, lambdaLo, lambdaHi);
  const down = minimiseOverLambda(lowerEnd, lambdaLo, lambdaHi);
  const highIndex = max(supportLow, min(supportHigh, ceil(up.value / h)));
  const lowIndex = min(highIndex, max(supportLow, floor(-down.value / h)));
  // Chernoff bounds at the chosen ends with the optimising lambdas (any lambda gives a valid bound);
  // strictly above high means >= high + h, strictly below low means <= low - h
  const above = (highIndex + 1) * h;
  const below = (lowIndex - 1) * h;
  const massAbove = above > supportHigh * h ? 0 : min(1, exp(logMgfTotal(up.lambda) - up.lambda * above));
  const massBelow = below < supportLow * h ? 0 : min(1, exp(logMgfTotal(-down.lambda) + down.lambda * below));
  return { low: lowIndex * h, high: highIndex * h, massAbove, massBelow };
}

/**
 * Certified bound on the composed mass at losses <= c: min over lambda > 0 of
 * exp(sum count ln M(-lambda) + lambda c), searched like tailWindow's and also tried at lambda = 1 (where it
 * is e^c times the composed Q-mass, the bound that is tight for genuine pairs).
 */
export function massAtOrBelow(parts: readonly Part[], c: number): number {
  const best = searchLambda(parts, (logMgfTotal, lambda) => logMgfTotal(-lambda) + lambda * c);
  return min(1, exp(min(best.value, totalLogMgf(parts, -1) + c)));
}

/**
 * The lambda > 0 whose Chernoff bound on the composition's upper tail of mass `tail` gives the lowest end:
 * tilting by it (convolution.ts) centres the composition near the loss where delta is about `tail`.
 */
export function upperTailLambda(parts: readonly Part[], tail: number): number {
  return upperTail(parts, tail).lambda;
}

/** The lowest loss above which the composition has mass at most `tail`, by a Chernoff bound. */
export function upperTailEnd(parts: readonly Part[], tail: number): number {
  return upperTail(parts, tail).value;
}

function upperTail(parts: readonly Part[], tail: number): { value: number; lambda: number } {
  const logTail = log(tail);
  return searchLambda(parts, (logMgfTotal, lambda) => (logMgfTotal(lambda) - logTail) / lambda);
}

/**
 * The lambda > 0 that minimises the Chernoff bound exp(sum count ln M(lambda) - lambda c) on the composed
 * mass at losses >= c: tilting by it centres the composition near c.
 */
export function lossTailLambda(parts: readonly Part[], c: number): number {
  return atOrAbove(parts, c).lambda;
}

/** Certified bound on the composed mass at losses >= c: min over lambda > 0 of exp(sum count ln M(lambda) - lambda c). */
export function massAtOrAbove(parts: readonly Part[], c: number): number {
  return min(1, exp(atOrAbove(parts, c).value));
}

function atOrAbove(parts: readonly Part[], c: number): { value: number; lambda: number } {
  return searchLambda(parts, (logMgfTotal, lambda) => logMgfTotal(lambda) - lambda * c);
}

function totalLogMgf(parts: readonly Part[], lambda: number): number {
  return parts.reduce((s, p) => s + p.count * logMgf(p.pmf, lambda), 0);
}

/**
 * The minimum over lambda > 0 (seven decades around 1 / the composition's spread) of f, given the
 * composition's ln M; NaN counts as Infinity. Any lambda gives a valid bound: the search only tightens it.
 */
function searchLambda(
  parts: readonly Part[],
  f: (logMgfTotal: (lambda: number) => number, lambda: number) => number,
): { value: number; lambda: number } {
  const logMgfTotal = (lambda: number) => totalLogMgf(parts, lambda);
  const sd = spread(parts);
  const scale = sd > 0 ? sd : parts[0].pmf.interval;
  const objective = (lambda: number) => {
    const v = f(logMgfTotal, lambda);
    return Number.isNaN(v) ? Infinity : v;
  };
  return minimiseOverLambda(objective, 1e-3 / scale, 1e4 / scale);
}
