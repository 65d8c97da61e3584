/**
 * Laws of Z = ln X, X = the mean of m i.i.d. log-normal factors with E[factor] = 1 (the factors
 * exp(x_t / s^2 - 1/(2 s^2)) of random allocation under the null hypothesis), on a uniform grid in Z.
 * Feldman & Shenfeld (arXiv 2602.17284) build such laws by convolving on a geometric grid; this module does
 * the same on a log grid, in one of two ways:
 *
 * - 'spread' (for upper bounds): every outcome X between two grid points x_i < x_{i+1} is replaced by a two-point
 *   law on them with the same mass and the same mean in X (the "connect-the-dots" split of Doroshenko et al.,
 *   PETS 2022, here in X). Both privacy profiles of random allocation are expectations of functions convex in
 *   X (remove: E[(X R - e^eps)_+], add: E[(1 - e^eps X R)_+], R >= 0 the other epochs), and X is linear in every
 *   partial mean, so by Jensen each split can only raise delta, in both directions at once, with no drift.
 * - 'down' (for lower bounds of the remove direction): every outcome is rounded down to the grid. delta of the
 *   remove direction is nondecreasing in X, so it can only fall.
 *
 * Two independent means over m1 and m2 factors combine as Z = ln(w1 e^A + w2 e^B), w_i = m_i / (m1 + m2).
 * For grid points A = a h, B = b h with b <= a, Z = A + g(b - a) with g(d) = log1p(w2 expm1(d h)) in
 * (ln w1, 0]: the offset depends only on the index gap d, and its cell index floor(g / h) takes at most
 * |ln w1| / h + 1 values, each on a run of consecutive gaps. Per (a, run) the run's total B-mass and its
 * B-mass weighted by e^(d h) (window or prefix sums) give the mass and the mean in X that land in the cell,
 * so a combination costs (points) x (|ln w| / h) instead of (points)^2.
 *
 * Atoms: X = 0 (Z = -infinity: 'spread' puts the lower tail there and on the first point, mean-preserving;
 * 'down' rounds it there) and X = +infinity (the upper tail in 'spread', carrying its mass and its mean in X;
 * in 'down' the upper tail is rounded down onto the last point instead).
 */
import { normalCdf, normalPdf, normalSf } from '../numeric/normal.js';

// bound once: global Math lookups are slow in hot loops under some module loaders (jest's vm)
const { abs, ceil, exp, expm1, floor, log, log1p, max, min } = Math;

export type Rounding = 'spread' | 'down';

/** Law of Z = ln X on the grid {(offset + i) h}, with atoms at X = 0 and X = +infinity. */
export interface LogGridLaw {
  readonly interval: number;
  readonly offset: number;
  readonly masses: Float64Array;
  /** mass at X = 0 */
  readonly zeroMass: number;
  /** mass at X = +infinity, and its mean in X (E[X; atom], finite: it is the mass of the tilted law) */
  readonly infinityMass: number;
  readonly infinityMean: number;
  /** bound on the total variation between `masses` and the exact law of the computation (float64) */
  readonly floatError: number;
  /** the same for the law tilted by X (masses times e^z) */
  readonly floatErrorTilted: number;
}

const EPS = Number.EPSILON;
/** guard against a float offset that lands on the wrong side of a grid point (relative to the offset) */
const GUARD = 1e-9;

/**
 * ln Y for Y log-normal with E[Y] = 1: ln Y ~ N(-s^2/2, s^2) (or tilted by Y: N(+s^2/2, s^2)). Cell masses by 3-point Gauss-Legendre
 * quadrature of the normal density (no cancellation). The mean of X = e^z over a cell is the mass of the same
 * cell under N(+s^2/2, s^2) (the tilt by X), so 'spread' splits each cell with both.
 * Tails beyond `tail` per side: 'spread' sends the lower one to X = 0 and the first point, the upper one to
 * X = +infinity; 'down' sends the lower one to X = 0 and folds the upper one into the last point.
 */
export function logNormalFactor(s: number, h: number, rounding: Rounding, tail: number, tilted = false): LogGridLaw {
  // the law of ln Y tilted by Y (the factor under the alternative) is N(+s^2/2, s^2)
  const mu = tilted ? (s * s) / 2 : -(s * s) / 2;
  let k = 1;
  while (normalSf(k) > tail && k < 40) k += 0.25;
  // cover the law and its tilt (N(-mu, s^2)): the tilted mass above the grid is booked at +infinity
  const lo = floor((-abs(mu) - k * s) / h);
  const hi = max(lo + 1, ceil((abs(mu) + k * s) / h));
  const n = hi - lo + 1;
  // 3-point Gauss-Legendre on panels of width c <= 0.005 standard deviations: the rule's error on a panel is
  // c^7 (3!)^4 / (7 (6!)^3) |He_6(x) phi(x)|, below 1e-18 of the mass in all; float error a few ulps per term
  const c0 = h / s;
  const panels = ceil(c0 / 0.005);
  const c = c0 / panels;
  const nodes = [-Math.sqrt(0.6), 0, Math.sqrt(0.6)];
  const weights = [5 / 18, 8 / 18, 5 / 18];
  const cellMass = (z0: number, center: number): number => {
    const x0 = (z0 - center) / s;
    let m = 0;
    for (let p = 0; p < panels; p++) {
      const mid = x0 + (p + 0.5) * c;
      for (let r = 0; r < 3; r++) m += weights[r] * normalPdf(mid + (nodes[r] * c) / 2);
    }
    return m * c;
  };
  const masses = new Float64Array(n);
  const e1 = expm1(h);
  let splitError = 0;
  let splitErrorTilted = 0;
  for (let i = 0; i < n - 1; i++) {
    const z = (lo + i) * h;
    const m = cellMass(z, mu);
    if (rounding === 'down') {
      masses[i] += m;
      continue;
    }
    // mass m and mean mt in X on [e^z, e^(z + h)]: the upper point takes (mt e^-z - m) / (e^h - 1)
    const mt = cellMass(z, -mu);
    const up = min(m, max(0, (mt * exp(-z) - m) / e1));
    // a split fraction off by f moves mass f m within the cell, which moves delta by at most f m (e^h - 1)
    // (x e^z in the tilted law): both profiles change by at most (e^h - 1) per unit of X moved (see combine)
    const e = 8 * EPS * (mt * exp(-z) + m);
    splitError += e;
    splitErrorTilted += e * exp(z + h);
    masses[i] += m - up;
    masses[i + 1] += up;
  }
  const lowMass = normalCdf((lo * h - mu) / s);
  const highMass = normalSf((hi * h - mu) / s);
  let zeroMass = 0;
  let infinityMass = 0;
  let infinityMean = 0;
  if (rounding === 'down') {
    zeroMass = lowMass;
    // the top cell [hi h, infinity) rounds down onto the last point
    masses[n - 1] += highMass;
  } else {
    // lower tail (X below x_0): mean-preserving on {0, x_0}; its mean in X is its tilted mass
    const lowMean = normalCdf((lo * h + mu) / s);
    const onFirst = min(lowMass, lowMean * exp(-lo * h));
    masses[0] += onFirst;
    zeroMass = lowMass - onFirst;
    // above the last point: to +infinity with its mean (the tilted law's tail)
    infinityMass = highMass;
    infinityMean = normalSf((hi * h + mu) / s);
  }
  // 64 eps: quadrature terms (a few ulps each, total mass 1) in both the plain and the tilted law
  return {
    interval: h,
    offset: lo,
    masses,
    zeroMass,
    infinityMass,
    infinityMean,
    floatError: 64 * EPS + splitError,
    floatErrorTilted: 64 * EPS + splitErrorTilted,
  };
}

interface Run {
  /** cell index of the offset: floor(g / h) */
  readonly k: number;
  /** gap range [dLo, dHi] */
  readonly dLo: number;
  readonly dHi: number;
}

/**
 * Runs of equal cell index for g(d) = log1p(w expm1(d h)), d from dTop down to dBottom (dTop <= 0), the
 * smallest gap that occurs. Once the index reaches its limit as d -> -infinity it stays there.
 */
function offsetRuns(w: number, h: number, dTop: number, dBottom: number): Run[] {
  const runs: Run[] = [];
  const cell = (d: number): number => {
    const g = log1p(w * expm1(d * h));
    if (g === 0) return 0;
    const v = g / h;
    return floor(v - GUARD * max(1, abs(v)));
  };
  const limit = cell(-Infinity);
  let k = cell(dTop);
  let dHi = dTop;
  for (let d = dTop - 1; d >= dBottom; d--) {
    const kd = cell(d);
    if (kd !== k) {
      runs.push({ k, dLo: d + 1, dHi });
      k = kd;
      dHi = d;
      if (k === limit) break;
    }
  }
  runs.push({ k: min(k, limit), dLo: min(dBottom, dHi), dHi });
  return runs;
}

/**
 * Prefix sums C[x] = sum_{j < x} m_j and suffix sums S[x] = sum_{j >= x} m_j, compensated (Neumaier) so that
 * each is within a few ulps of its exact value; a difference of two errs by at most ~4 eps times the larger.
 */
function cumulative(m: Float64Array): { prefix: Float64Array; suffix: Float64Array } {
  const n = m.length;
  const prefix = new Float64Array(n + 1);
  const suffix = new Float64Array(n + 1);
  let sum = 0;
  let comp = 0;
  for (let j = 0; j < n; j++) {
    const x = m[j];
    const t = sum + x;
    comp += abs(sum) >= abs(x) ? sum - t + x : x - t + sum;
    sum = t;
    prefix[j + 1] = sum + comp;
  }
  sum = 0;
  comp = 0;
  for (let j = n - 1; j >= 0; j--) {
    const x = m[j];
    const t = sum + x;
    comp += abs(sum) >= abs(x) ? sum - t + x : x - t + sum;
    sum = t;
    suffix[j] = sum + comp;
  }
  return { prefix, suffix };
}

/** Runs up to this many gaps long are summed directly (no cancellation); longer ones by prefix sums. */
const SHORT_RUN = 32;

/** Window sums of a sequence padded by SHORT_RUN zeros on each side: windows[L][j] = sum of L from j. */
function windowSums(values: Float64Array): Float64Array[] {
  const padded = new Float64Array(values.length + 2 * SHORT_RUN);
  padded.set(values, SHORT_RUN);
  const windows: Float64Array[] = [padded, padded];
  for (let L = 2; L <= SHORT_RUN; L++) {
    const prev = windows[L - 1];
    const w = new Float64Array(padded.length);
    for (let j = 0; j + L - 1 < padded.length; j++) w[j] = prev[j] + padded[j + L - 1];
    windows[L] = w;
  }
  return windows;
}

/** Window and cumulative sums of a law's masses, and (for 'spread') of its masses times e^(j h). */
class BSums {
  readonly n: number;
  readonly windows: Float64Array[];
  readonly prefix: Float64Array;
  readonly suffix: Float64Array;
  readonly median: number;
  readonly tWindows: Float64Array[] | null;
  readonly tPrefix: Float64Array | null;
  readonly tSuffix: Float64Array | null;
  readonly tMedian: number;
  constructor(B: LogGridLaw, tilted: boolean) {
    this.n = B.masses.length;
    this.windows = windowSums(B.masses);
    ({ prefix: this.prefix, suffix: this.suffix } = cumulative(B.masses));
    this.median = medianIndex(this.prefix);
    if (tilted) {
      const h = B.interval;
      const t = new Float64Array(this.n);
      for (let j = 0; j < this.n; j++) t[j] = B.masses[j] * exp(j * h);
      this.tWindows = windowSums(t);
      const c = cumulative(t);
      this.tPrefix = c.prefix;
      this.tSuffix = c.suffix;
      this.tMedian = medianIndex(c.prefix);
    } else {
      this.tWindows = this.tPrefix = this.tSuffix = null;
      this.tMedian = 0;
    }
  }
}

/** the last index x with prefix[x] <= prefix[n] / 2 */
function medianIndex(prefix: Float64Array): number {
  const half = prefix[prefix.length - 1] / 2;
  let x = 0;
  while (x < prefix.length - 2 && prefix[x + 1] <= half) x++;
  return x;
}

/** Sum over relative indices [lo, hi] (clipped) from cumulative sums, on the side where they are small. */
function rangeFromCumulative(
  prefix: Float64Array,
  suffix: Float64Array,
  median: number,
  n: number,
  loRaw: number,
  hiRaw: number,
  out: { sum: number; err: number },
): void {
  const hi = hiRaw > n - 1 ? n - 1 : hiRaw;
  const lo = loRaw < 0 ? 0 : loRaw;
  if (hi < median) {
    const c = prefix[hi + 1];
    out.sum = c - prefix[lo];
    out.err = 4 * EPS * c;
  } else {
    const c = suffix[lo];
    out.sum = c - suffix[hi + 1];
    out.err = 4 * EPS * c;
  }
}

/** A short run in 'spread' mode: window sums, the split of each (a, run) between two neighbouring points. */
function spreadShortRun(
  am: Float64Array,
  win: Float64Array,
  tWin: Float64Array,
  negExp: Float64Array,
  out: Float64Array,
  iFirst: number,
  iLast: number,
  from: number,
  outShift: number,
  alpha: number,
  beta: number,
): void {
  for (let i = iFirst; i <= iLast; i++) {
    const pa = am[i];
    const m = win[i + from];
    const total = pa * m;
    const raw = pa * (alpha * m + beta * tWin[i + from] * negExp[i]);
    const up = raw < 0 ? 0 : raw > total ? total : raw;
    out[i + outShift] += total - up;
    out[i + outShift + 1] += up;
  }
}

/**
 * Adds to `out` (indexed from absolute grid index outBase) the pairs (a from A, b from B) with b - a in the
 * runs' gap ranges. Returns bounds on the float error added (total variation, plain and tilted).
 */
function accumulate(
  A: LogGridLaw,
  B: LogGridLaw,
  sums: BSums,
  runs: readonly Run[],
  w1: number,
  rounding: Rounding,
  out: Float64Array,
  outBase: number,
): { error: number; errorTilted: number } {
  const h = A.interval;
  const nB = sums.n;
  const nA = A.masses.length;
  const am = A.masses;
  const aStart = A.offset;
  const bStart = B.offset;
  const bShift = aStart - bStart;
  const e1 = expm1(h);
  const spread = rounding === 'spread';
  // e^(-(i + bShift) h) turns the e^(j h)-weighted B sums into sums of e^(d h); e^((i + aStart) h) is x_a
  const negExp = new Float64Array(spread ? nA : 0);
  for (let i = 0; i < negExp.length; i++) negExp[i] = exp(-(i + bShift) * h);
  const posExp = new Float64Array(nA);
  for (let i = 0; i < nA; i++) posExp[i] = exp(i * h);
  let error = 0;
  let errorTilted = 0;
  const r = { sum: 0, err: 0 };
  for (const run of runs) {
    const { k, dLo, dHi } = run;
    const iFirst = max(0, bStart - dHi - aStart);
    const iLast = min(nA - 1, bStart + nB - 1 - dLo - aStart);
    if (iFirst > iLast) continue;
    const outShift = aStart + k - outBase;
    const length = dHi - dLo + 1;
    // out point of relative i: (i + aStart + k) h; its X is e^(that)
    const xScale = exp((aStart + k + 1) * h);
    if (!spread) {
      if (length <= SHORT_RUN) {
        const win = sums.windows[length];
        const from = bShift + dLo + SHORT_RUN;
        for (let i = iFirst; i <= iLast; i++) out[i + outShift] += am[i] * win[i + from];
      } else {
        let weight = 0;
        let weightTilted = 0;
        for (let i = iFirst; i <= iLast; i++) {
          const pa = am[i];
          if (pa === 0) continue;
          rangeFromCumulative(sums.prefix, sums.suffix, sums.median, nB, i + bShift + dLo, i + bShift + dHi, r);
          if (r.sum > 0) out[i + outShift] += pa * r.sum;
          weight += pa * r.err;
          weightTilted += pa * r.err * posExp[i];
        }
        error += weight;
        errorTilted += weightTilted * xScale;
      }
      continue;
    }
    // spread: the upper point of the cell takes mass pa * (alpha * M + beta * W e^(-(i + bShift) h)),
    // M = run's B-mass, W = its e^(j h)-weighted mass: (mean in X / x_lo - mass) / (e^h - 1)
    const alpha = (w1 * exp(-k * h) - 1) / e1;
    const beta = ((1 - w1) * exp(-k * h)) / e1;
    if (length <= SHORT_RUN) {
      spreadShortRun(
        am,
        sums.windows[length],
        sums.tWindows![length],
        negExp,
        out,
        iFirst,
        iLast,
        bShift + dLo + SHORT_RUN,
        outShift,
        alpha,
        beta,
      );
      continue;
    }
    let weight = 0;
    let weightTilted = 0;
    for (let i = iFirst; i <= iLast; i++) {
      const pa = am[i];
      if (pa === 0) continue;
      rangeFromCumulative(sums.prefix, sums.suffix, sums.median, nB, i + bShift + dLo, i + bShift + dHi, r);
      const m = r.sum;
      let err = r.err;
      rangeFromCumulative(sums.tPrefix!, sums.tSuffix!, sums.tMedian, nB, i + bShift + dLo, i + bShift + dHi, r);
      const wsum = r.sum;
      err += r.err * negExp[i];
      if (!(m > 0)) continue;
      const total = pa * m;
      const raw = pa * (alpha * m + beta * wsum * negExp[i]);
      const up = raw < 0 ? 0 : raw > total ? total : raw;
      out[i + outShift] += total - up;
      out[i + outShift + 1] += up;
      // mass error, plus the split's error (cancellation of terms of size 1/h) times e^h - 1: mass moved
      // within a cell [x, x e^h] changes either profile by at most (e^h - 1) per unit moved (x per unit in
      // the tilted law), since (x R - c)_+ and (1 - c x R)_+ change by at most that as x moves in the cell
      const e = pa * (err + e1 * (err * (abs(alpha) + beta) + 4 * EPS * (abs(alpha) * m + beta * wsum * negExp[i])));
      weight += e;
      weightTilted += e * posExp[i];
    }
    error += weight;
    errorTilted += weightTilted * xScale;
  }
  // direct window sums err by (SHORT_RUN + 2) eps relative, and all pairs together weigh at most 1 (plain
  // and tilted). A short run's split: in a cell, e^h-1 times |alpha| and times beta e^(d h) are at most 1 and
  // e^h, so the split errs by at most ~(2 SHORT_RUN + 8) eps per unit of mass after the factor e^h - 1
  const shortBound = (spread ? 3 * SHORT_RUN + 16 : SHORT_RUN + 2) * EPS;
  error += shortBound;
  errorTilted += shortBound;
  return { error, errorTilted };
}

/** Mean in X of the finite part of a law (sum of m e^z) plus nothing for X = 0. */
function finiteMean(law: LogGridLaw): number {
  const { masses, offset, interval: h } = law;
  let s = 0;
  for (let i = 0; i < masses.length; i++) if (masses[i] > 0) s += masses[i] * exp((offset + i) * h);
  return s;
}

/**
 * Law of ln(w1 e^A + w2 e^B) for independent A, B on one grid (w1 + w2 = 1), rounded as asked. Tails of the
 * result holding less than `tail` are cut as in logNormalFactor.
 */
export function combineLogMeans(A: LogGridLaw, B: LogGridLaw, w1: number, rounding: Rounding, tail: number): LogGridLaw {
  const h = A.interval;
  if (B.interval !== h) throw new RangeError('laws must share one grid');
  const w2 = 1 - w1;
  const aEnd = A.offset + A.masses.length - 1;
  const bEnd = B.offset + B.masses.length - 1;
  const spread = rounding === 'spread';
  // pairs with b <= a: Z = a h + g1(b - a), g1(d) = log1p(w2 expm1(d h)) in (ln w1, 0]
  const runs1 = offsetRuns(w2, h, 0, B.offset - aEnd);
  // pairs with a < b: Z = b h + g2(a - b), a - b <= -1, g2(d) = log1p(w1 expm1(d h))
  const runs2 = offsetRuns(w1, h, -1, A.offset - bEnd);
  const kMin = min(runs1[runs1.length - 1].k, runs2[runs2.length - 1].k, floor(log(min(w1, w2)) / h) - 1, 0);
  const outBase = min(A.offset, B.offset) + kMin;
  const outTop = max(aEnd, bEnd) + 2;
  const out = new Float64Array(outTop - outBase + 1);
  const sumsB = new BSums(B, spread);
  const sumsA = A === B ? sumsB : new BSums(A, spread);
  const e1 = accumulate(A, B, sumsB, runs1, w1, rounding, out, outBase);
  const e2 = accumulate(B, A, sumsA, runs2, w2, rounding, out, outBase);
  // X = 0 with a finite partner: X = w e^z of the partner, one fixed offset ln w
  if (A.zeroMass > 0) zeroPartner(B, A.zeroMass, w2, rounding, out, outBase);
  if (B.zeroMass > 0) zeroPartner(A, B.zeroMass, w1, rounding, out, outBase);
  const zeroMass = A.zeroMass * B.zeroMass;
  // X = +infinity ('spread' only): mass, and mean E[w1 X_A + w2 X_B; either infinite] by independence
  const infinityMass = 1 - (1 - A.infinityMass) * (1 - B.infinityMass);
  const infinityMean = spread
    ? w1 * (A.infinityMean + finiteMean(A) * B.infinityMass) + w2 * (B.infinityMean + finiteMean(B) * A.infinityMass)
    : 0;
  return trim(
    {
      interval: h,
      offset: outBase,
      masses: out,
      zeroMass,
      infinityMass,
      infinityMean,
      floatError: A.floatError + B.floatError + e1.error + e2.error,
      floatErrorTilted: A.floatErrorTilted + B.floatErrorTilted + e1.errorTilted + e2.errorTilted,
    },
    rounding,
    tail,
  );
}

function zeroPartner(law: LogGridLaw, weight: number, w: number, rounding: Rounding, out: Float64Array, outBase: number): void {
  const h = law.interval;
  const g = log(w);
  const k = floor(g / h - GUARD);
  // 'spread': X = e^((b + k) h) e^u with u = g - k h in [0, h]: the upper point takes (e^u - 1) / (e^h - 1)
  const up = rounding === 'spread' ? min(1, max(0, expm1(g - k * h) / expm1(h))) : 0;
  const m = law.masses;
  const shift = law.offset + k - outBase;
  for (let i = 0; i < m.length; i++) {
    out[i + shift] += weight * m[i] * (1 - up);
    if (up > 0) out[i + shift + 1] += weight * m[i] * up;
  }
}

/** Cut tails of mass below `tail` per side, the way `rounding` allows (see logNormalFactor). */
export function trim(law: LogGridLaw, rounding: Rounding, tail: number): LogGridLaw {
  const m = law.masses;
  const h = law.interval;
  let lo = 0;
  let low = 0;
  let lowMean = 0;
  while (lo < m.length - 2 && low + m[lo] < tail) {
    low += m[lo];
    lowMean += m[lo] * exp((law.offset + lo) * h);
    lo++;
  }
  let hi = m.length - 1;
  let high = 0;
  let highMean = 0;
  // 'spread' also keeps the upper tail's mean in X small: it is the mass of the tilted law (the remove PLD),
  // which for small sigma sits where the plain mass is tiny
  while (hi > lo + 1 && high + m[hi] < tail) {
    const mean = m[hi] * exp((law.offset + hi) * h);
    if (rounding === 'spread' && highMean + mean >= tail) break;
    high += m[hi];
    highMean += mean;
    hi--;
  }
  const masses = m.slice(lo, hi + 1);
  let { zeroMass, infinityMass, infinityMean } = law;
  if (rounding === 'spread') {
    // lower tail onto {0, x_lo} keeping its mean; upper tail to +infinity with its mean
    const onFirst = min(low, lowMean * exp(-(law.offset + lo) * h));
    masses[0] += onFirst;
    zeroMass += low - onFirst;
    infinityMass += high;
    infinityMean += highMean;
  } else {
    zeroMass += low;
    masses[masses.length - 1] += high;
  }
  return { ...law, offset: law.offset + lo, masses, zeroMass, infinityMass, infinityMean };
}

/**
 * Law of the log of the mean of `count` i.i.d. factors with the given one-factor law: combines the laws of
 * means over 2^j factors along the binary expansion of `count`.
 */
export function logMeanLaw(single: LogGridLaw, count: number, rounding: Rounding, tail: number, onLevel?: () => void): LogGridLaw {
  if (!Number.isInteger(count) || count < 1) throw new RangeError('count must be a positive integer');
  let power = single; // law of the mean of 2^j factors
  let powerCount = 1;
  let acc: LogGridLaw | null = null;
  let accCount = 0;
  let rest = count;
  for (;;) {
    if (rest & 1) {
      if (acc === null) acc = power;
      else {
        acc = combineLogMeans(acc, power, accCount / (accCount + powerCount), rounding, tail);
        onLevel?.();
      }
      accCount += powerCount;
    }
    rest = floor(rest / 2);
    if (rest === 0) break;
    power = combineLogMeans(power, power, 0.5, rounding, tail);
    powerCount *= 2;
    onLevel?.();
  }
  return acc!;
}

/** Number of combinations logMeanLaw performs (for progress). */
export function logMeanLevels(count: number): number {
  let levels = 0;
  let ones = 0;
  for (let rest = count; rest > 0; rest = floor(rest / 2)) {
    if (rest & 1) ones++;
    if (rest > 1) levels++;
  }
  return levels + max(0, ones - 1);
}
