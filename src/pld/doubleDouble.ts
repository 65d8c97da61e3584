/**
 * Complex FFTs in double-double arithmetic (a value is an unevaluated sum hi + lo of two float64s, about 106
 * bits): for compositions whose delta is far below what float64 FFTs resolve and whose heavy upper tail
 * defeats exponential tilting (small sampling rates; convolution.ts explains both).
 *
 * Operations (Joldes, Muller and Popescu, "Tight and rigorous error bounds for basic building blocks of
 * double-word arithmetic", ACM TOMS 44(2), 2017, with u = 2^-53):
 *   sum:     AccurateDWPlusDW (their Algorithm 6), relative error <= 3u^2 / (1 - 4u);
 *   product: DWTimesDW1 (Algorithm 10), relative error <= 7u^2, with Dekker's exact product (Veltkamp
 *            splitting) in place of a fused multiply-add.
 * Both are exact transformations plus a final rounding; underflow (values near 1e-300) adds an absolute error
 * far below anything an accountant reads. Twiddle factors are evaluated by Taylor series in double-double
 * (octant reduction on the integer index, so the argument is at most pi / 4) to a few u^2, and most of them
 * as products of two such values.
 *
 * DD_STAGE_ERROR bounds the error of one radix-2 stage relative to the l1 norm of its input (complex product
 * about 12 sqrt(2) u^2, twiddle about 40u^2, sum 3u^2; doubled and rounded up), so a transform of a signal of l1 norm
 * s errs by at most (log2 N + 3) DD_STAGE_ERROR s in every coefficient (Higham, Accuracy and Stability of
 * Numerical Algorithms, 2nd ed., section 24.1, componentwise, with the double-double unit).
 */

// bound once: global Math lookups are slow in hot loops under some module loaders (jest's vm)
const { floor } = Math;

/** 2^-106: the unit roundoff squared. */
const DD_UNIT = 2 ** -106;
export const DD_STAGE_ERROR = 128 * DD_UNIT;
/** Relative error of one double-double complex product (about 12 sqrt(2) u^2, rounded up). */
export const DD_PRODUCT_ERROR = 20 * DD_UNIT;

const SPLITTER = 134217729; // 2^27 + 1 (Veltkamp)

/** A complex double-double array: four float64 arrays of one length. */
export interface DdComplexArray {
  readonly reHi: Float64Array;
  readonly reLo: Float64Array;
  readonly imHi: Float64Array;
  readonly imLo: Float64Array;
}

export function ddComplexArray(n: number): DdComplexArray {
  return { reHi: new Float64Array(n), reLo: new Float64Array(n), imHi: new Float64Array(n), imLo: new Float64Array(n) };
}

// Scalar double-double results are returned through this scratch pair (no allocation in hot loops;
// typed-array slots are faster than module-level variables).
const out = new Float64Array(2);
/** complexProduct's result: re hi, re lo, im hi, im lo */
const product = new Float64Array(4);

/** (xh + xl) + (yh + yl): AccurateDWPlusDW. */
function ddAdd(xh: number, xl: number, yh: number, yl: number): void {
  const sh = xh + yh;
  const sb = sh - xh;
  const sl = xh - (sh - sb) + (yh - sb);
  const th = xl + yl;
  const tb = th - xl;
  const tl = xl - (th - tb) + (yl - tb);
  const c = sl + th;
  const vh = sh + c;
  const vl = c - (vh - sh);
  const w = tl + vl;
  out[0] = vh + w;
  out[1] = w - (out[0] - vh);
}

/** (xh + xl) (yh + yl): DWTimesDW1 with Dekker's exact product. */
function ddMul(xh: number, xl: number, yh: number, yl: number): void {
  const ch = xh * yh;
  let t = SPLITTER * xh;
  const xa = t - (t - xh);
  const xb = xh - xa;
  t = SPLITTER * yh;
  const ya = t - (t - yh);
  const yb = yh - ya;
  const cl1 = xa * ya - ch + xa * yb + xb * ya + xb * yb;
  const cl3 = cl1 + (xh * yl + xl * yh);
  out[0] = ch + cl3;
  out[1] = cl3 - (out[0] - ch);
}

/** (xh + xl) / d for a float64 d: one correction step (error about 2u^2). */
function ddDivide(xh: number, xl: number, d: number): void {
  const q1 = xh / d;
  ddMul(q1, 0, d, 0);
  ddAdd(xh, xl, -out[0], -out[1]);
  const q2 = out[0] / d;
  out[0] = q1 + q2;
  out[1] = q2 - (out[0] - q1);
}

// 2 pi as a double-double
const TWO_PI_HI = 6.283185307179586;
const TWO_PI_LO = 2.4492935982947064e-16;
/** Terms of the Taylor series at most: |x| <= pi/4 gives x^30 / 30! < 1e-34. */
const TAYLOR_TERMS = 16;

/** cos and sin of 2 pi m / n for 0 <= m <= n / 8 (argument <= pi / 4), as double-doubles. */
function octantCosSin(m: number, n: number, into: Float64Array, at: number): void {
  // x = 2 pi m / n: m / n is exact (n a power of two)
  const f = m / n;
  ddMul(TWO_PI_HI, TWO_PI_LO, f, 0);
  const xh = out[0];
  const xl = out[1];
  ddMul(xh, xl, xh, xl);
  const x2h = out[0];
  const x2l = out[1];
  // cos: sum (-1)^j x^(2j) / (2j)!, sin: sum (-1)^j x^(2j+1) / (2j+1)!; terms by recurrence
  let ch = 1;
  let cl = 0;
  let sh = xh;
  let sl = xl;
  let th = 1; // x^(2j) / (2j)!
  let tl = 0;
  let uh = xh; // x^(2j+1) / (2j+1)!
  let ul = xl;
  for (let j = 1; j <= TAYLOR_TERMS; j++) {
    ddMul(th, tl, x2h, x2l);
    ddDivide(out[0], out[1], 2 * j * (2 * j - 1));
    th = -out[0];
    tl = -out[1];
    ddAdd(ch, cl, th, tl);
    ch = out[0];
    cl = out[1];
    ddMul(uh, ul, x2h, x2l);
    ddDivide(out[0], out[1], 2 * j * (2 * j + 1));
    uh = -out[0];
    ul = -out[1];
    ddAdd(sh, sl, uh, ul);
    sh = out[0];
    sl = out[1];
    // both remaining tails are below the last terms, now under 2^-110 (the sums are at least x and cos(pi/4))
    if (Math.abs(th) < 1e-33 && Math.abs(uh) < 1e-33 * Math.abs(xh)) break;
  }
  into[at] = ch;
  into[at + 1] = cl;
  into[at + 2] = sh;
  into[at + 3] = sl;
}

const twiddleCache = new Map<number, Float64Array>();

/** cos and sin of 2 pi k / n for 0 <= k < n/2, by the exact symmetries of the circle on the integer index. */
function cosSin(k: number, n: number, into: Float64Array, at: number): void {
  const eighth = n / 8;
  const quarter = n / 4;
  // x = 2 pi k / n reduced to y = 2 pi m / n in the first octant
  const m = k <= eighth ? k : k <= quarter ? quarter - k : k <= quarter + eighth ? k - quarter : n / 2 - k;
  octantCosSin(m, n, scratch, 0);
  let cosAt = 0;
  let sinAt = 2;
  let cosSign = 1;
  // pi/2 - y: swap; pi/2 + y: cos = -sin y, sin = cos y; pi - y: cos = -cos y
  if (k > eighth && k <= quarter) [cosAt, sinAt] = [2, 0];
  else if (k > quarter && k <= quarter + eighth) [cosAt, sinAt, cosSign] = [2, 0, -1];
  else if (k > quarter + eighth) cosSign = -1;
  into[at] = cosSign * scratch[cosAt];
  into[at + 1] = cosSign * scratch[cosAt + 1];
  into[at + 2] = scratch[sinAt];
  into[at + 3] = scratch[sinAt + 1];
}
const scratch = new Float64Array(4);

/**
 * cos and sin of 2 pi k / n for k < n / 2, packed (cosHi, cosLo, sinHi, sinLo) per k: the products of two
 * tables of about sqrt(n/2) entries each evaluated by Taylor series, e^(i x (aB + b)) = e^(i x aB) e^(i x b)
 * (relative error about 2 DD_PRODUCT_ERROR).
 */
function twiddles(n: number): Float64Array {
  let t = twiddleCache.get(n);
  if (t !== undefined) return t;
  const half = n / 2;
  let B = 1;
  while (B * B < half) B *= 2;
  const low = new Float64Array(4 * B);
  const high = new Float64Array(4 * (half / B));
  for (let b = 0; b < B; b++) cosSin(b, n, low, 4 * b);
  for (let a = 0; a < half / B; a++) cosSin(a * B, n, high, 4 * a);
  t = new Float64Array(2 * n);
  for (let a = 0; a < half / B; a++) {
    const h = 4 * a;
    for (let b = 0; b < B; b++) {
      const l = 4 * b;
      complexProduct(high[h], high[h + 1], high[h + 2], high[h + 3], low[l], low[l + 1], low[l + 2], low[l + 3]);
      const k = 4 * (a * B + b);
      t[k] = product[0];
      t[k + 1] = product[1];
      t[k + 2] = product[2];
      t[k + 3] = product[3];
    }
  }
  if (twiddleCache.size > 8) twiddleCache.clear();
  twiddleCache.set(n, t);
  return t;
}

/**
 * In-place complex DFT of a power-of-two length n >= 8: X_k = sum_j x_j e^(-+2 pi i jk / n), the sign + with
 * `inverse` (unscaled). Iterative radix-2, decimation in time.
 */
export function ddFft(a: DdComplexArray, inverse = false): void {
  const { reHi, reLo, imHi, imLo } = a;
  const n = reHi.length;
  if (n < 8 || (n & (n - 1)) !== 0) throw new RangeError('double-double FFT length must be a power of two >= 8');
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = reHi[i];
      reHi[i] = reHi[j];
      reHi[j] = t;
      t = reLo[i];
      reLo[i] = reLo[j];
      reLo[j] = t;
      t = imHi[i];
      imHi[i] = imHi[j];
      imHi[j] = t;
      t = imLo[i];
      imLo[i] = imLo[j];
      imLo[j] = t;
    }
  }
  const tw = twiddles(n);
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const stride = n / len;
    for (let k = 0; k < half; k++) {
      const w = 4 * k * stride;
      const wrh = tw[w];
      const wrl = tw[w + 1];
      const wih = sign * tw[w + 2];
      const wil = sign * tw[w + 3];
      // Veltkamp halves of the twiddle, shared by the butterflies of this k
      let t = SPLITTER * wrh;
      const wra = t - (t - wrh);
      const wrb = wrh - wra;
      t = SPLITTER * wih;
      const wia = t - (t - wih);
      const wib = wih - wia;
      for (let i = k; i < n; i += len) {
        // the butterfly (x_i, x_b) -> (x_i + w x_b, x_i - w x_b), ddMul and ddAdd written out (about twice as
        // fast as calling them: no scratch stores, the operand halves split once)
        const b = i + half;
        const brh = reHi[b];
        const brl = reLo[b];
        const bih = imHi[b];
        const bil = imLo[b];
        const s1 = SPLITTER * brh;
        const a2 = s1 - (s1 - brh);
        const b3 = brh - a2;
        const s4 = SPLITTER * bih;
        const a5 = s4 - (s4 - bih);
        const b6 = bih - a5;
        const c7 = wrh * brh;
        const c8 = wra * a2 - c7 + wra * b3 + wrb * a2 + wrb * b3;
        const c9 = c8 + (wrh * brl + wrl * brh);
        const z10 = c7 + c9;
        const z11 = c9 - (z10 - c7);
        const c12 = wih * bih;
        const c13 = wia * a5 - c12 + wia * b6 + wib * a5 + wib * b6;
        const c14 = c13 + (wih * bil + wil * bih);
        const z15 = c12 + c14;
        const z16 = c14 - (z15 - c12);
        const sh17 = z10 + -z15;
        const sb18 = sh17 - z10;
        const sl19 = z10 - (sh17 - sb18) + (-z15 - sb18);
        const th20 = z11 + -z16;
        const tb21 = th20 - z11;
        const tl22 = z11 - (th20 - tb21) + (-z16 - tb21);
        const c23 = sl19 + th20;
        const vh24 = sh17 + c23;
        const vl25 = c23 - (vh24 - sh17);
        const w26 = tl22 + vl25;
        const z27 = vh24 + w26;
        const z28 = w26 - (z27 - vh24);
        const c29 = wrh * bih;
        const c30 = wra * a5 - c29 + wra * b6 + wrb * a5 + wrb * b6;
        const c31 = c30 + (wrh * bil + wrl * bih);
        const z32 = c29 + c31;
        const z33 = c31 - (z32 - c29);
        const c34 = wih * brh;
        const c35 = wia * a2 - c34 + wia * b3 + wib * a2 + wib * b3;
        const c36 = c35 + (wih * brl + wil * brh);
        const z37 = c34 + c36;
        const z38 = c36 - (z37 - c34);
        const sh39 = z32 + z37;
        const sb40 = sh39 - z32;
        const sl41 = z32 - (sh39 - sb40) + (z37 - sb40);
        const th42 = z33 + z38;
        const tb43 = th42 - z33;
        const tl44 = z33 - (th42 - tb43) + (z38 - tb43);
        const c45 = sl41 + th42;
        const vh46 = sh39 + c45;
        const vl47 = c45 - (vh46 - sh39);
        const w48 = tl44 + vl47;
        const z49 = vh46 + w48;
        const z50 = w48 - (z49 - vh46);
        const arh = reHi[i];
        const arl = reLo[i];
        const aih = imHi[i];
        const ail = imLo[i];
        const sh51 = arh + z27;
        const sb52 = sh51 - arh;
        const sl53 = arh - (sh51 - sb52) + (z27 - sb52);
        const th54 = arl + z28;
        const tb55 = th54 - arl;
        const tl56 = arl - (th54 - tb55) + (z28 - tb55);
        const c57 = sl53 + th54;
        const vh58 = sh51 + c57;
        const vl59 = c57 - (vh58 - sh51);
        const w60 = tl56 + vl59;
        const z61 = vh58 + w60;
        const z62 = w60 - (z61 - vh58);
        reHi[i] = z61;
        reLo[i] = z62;
        const sh63 = aih + z49;
        const sb64 = sh63 - aih;
        const sl65 = aih - (sh63 - sb64) + (z49 - sb64);
        const th66 = ail + z50;
        const tb67 = th66 - ail;
        const tl68 = ail - (th66 - tb67) + (z50 - tb67);
        const c69 = sl65 + th66;
        const vh70 = sh63 + c69;
        const vl71 = c69 - (vh70 - sh63);
        const w72 = tl68 + vl71;
        const z73 = vh70 + w72;
        const z74 = w72 - (z73 - vh70);
        imHi[i] = z73;
        imLo[i] = z74;
        const sh75 = arh + -z27;
        const sb76 = sh75 - arh;
        const sl77 = arh - (sh75 - sb76) + (-z27 - sb76);
        const th78 = arl + -z28;
        const tb79 = th78 - arl;
        const tl80 = arl - (th78 - tb79) + (-z28 - tb79);
        const c81 = sl77 + th78;
        const vh82 = sh75 + c81;
        const vl83 = c81 - (vh82 - sh75);
        const w84 = tl80 + vl83;
        const z85 = vh82 + w84;
        const z86 = w84 - (z85 - vh82);
        reHi[b] = z85;
        reLo[b] = z86;
        const sh87 = aih + -z49;
        const sb88 = sh87 - aih;
        const sl89 = aih - (sh87 - sb88) + (-z49 - sb88);
        const th90 = ail + -z50;
        const tb91 = th90 - ail;
        const tl92 = ail - (th90 - tb91) + (-z50 - tb91);
        const c93 = sl89 + th90;
        const vh94 = sh87 + c93;
        const vl95 = c93 - (vh94 - sh87);
        const w96 = tl92 + vl95;
        const z97 = vh94 + w96;
        const z98 = w96 - (z97 - vh94);
        imHi[b] = z97;
        imLo[b] = z98;
      }
    }
  }
}

/**
 * target_k = target_k * z_k^power for every k (or target = z^power with `replace`), by repeated squaring; each product
 * errs by at most DD_PRODUCT_ERROR relative. Coefficients with |z_k|^power below 1e-300 are set to zero.
 * Only k < count are computed (the first half of a real signal's spectrum, say).
 */
export function ddMultiplyByPower(target: DdComplexArray, z: DdComplexArray, power: number, replace = false, count = z.reHi.length): void {
  if (!Number.isInteger(power) || power < 1) throw new RangeError('power must be a positive integer');
  const n = count;
  const negligible = -690 / power;
  for (let k = 0; k < n; k++) {
    let brh = z.reHi[k];
    let brl = z.reLo[k];
    let bih = z.imHi[k];
    let bil = z.imLo[k];
    const modulus2 = brh * brh + bih * bih;
    if (0.5 * Math.log(modulus2) < negligible || (!replace && target.reHi[k] === 0 && target.imHi[k] === 0)) {
      target.reHi[k] = 0;
      target.reLo[k] = 0;
      target.imHi[k] = 0;
      target.imLo[k] = 0;
      continue;
    }
    let rrh = 1;
    let rrl = 0;
    let rih = 0;
    let ril = 0;
    let e = power;
    for (;;) {
      if (e & 1) {
        complexProduct(rrh, rrl, rih, ril, brh, brl, bih, bil);
        rrh = product[0];
        rrl = product[1];
        rih = product[2];
        ril = product[3];
      }
      e = floor(e / 2);
      if (e === 0) break;
      complexProduct(brh, brl, bih, bil, brh, brl, bih, bil);
      brh = product[0];
      brl = product[1];
      bih = product[2];
      bil = product[3];
    }
    if (!replace) {
      complexProduct(target.reHi[k], target.reLo[k], target.imHi[k], target.imLo[k], rrh, rrl, rih, ril);
      rrh = product[0];
      rrl = product[1];
      rih = product[2];
      ril = product[3];
    }
    target.reHi[k] = rrh;
    target.reLo[k] = rrl;
    target.imHi[k] = rih;
    target.imLo[k] = ril;
  }
}

/** (a) (b) for double-double complex a, b, into `product`: ddMul and ddAdd written out, each operand split once. */
function complexProduct(arh: number, arl: number, aih: number, ail: number, brh: number, brl: number, bih: number, bil: number): void {
  const s1 = SPLITTER * arh;
  const a2 = s1 - (s1 - arh);
  const b3 = arh - a2;
  const s4 = SPLITTER * aih;
  const a5 = s4 - (s4 - aih);
  const b6 = aih - a5;
  const s7 = SPLITTER * brh;
  const a8 = s7 - (s7 - brh);
  const b9 = brh - a8;
  const s10 = SPLITTER * bih;
  const a11 = s10 - (s10 - bih);
  const b12 = bih - a11;
  const c13 = arh * brh;
  const c14 = a2 * a8 - c13 + a2 * b9 + b3 * a8 + b3 * b9;
  const c15 = c14 + (arh * brl + arl * brh);
  const z16 = c13 + c15;
  const z17 = c15 - (z16 - c13);
  const c18 = aih * bih;
  const c19 = a5 * a11 - c18 + a5 * b12 + b6 * a11 + b6 * b12;
  const c20 = c19 + (aih * bil + ail * bih);
  const z21 = c18 + c20;
  const z22 = c20 - (z21 - c18);
  const sh23 = z16 + -z21;
  const sb24 = sh23 - z16;
  const sl25 = z16 - (sh23 - sb24) + (-z21 - sb24);
  const th26 = z17 + -z22;
  const tb27 = th26 - z17;
  const tl28 = z17 - (th26 - tb27) + (-z22 - tb27);
  const c29 = sl25 + th26;
  const vh30 = sh23 + c29;
  const vl31 = c29 - (vh30 - sh23);
  const w32 = tl28 + vl31;
  const z33 = vh30 + w32;
  const z34 = w32 - (z33 - vh30);
  const c35 = arh * bih;
  const c36 = a2 * a11 - c35 + a2 * b12 + b3 * a11 + b3 * b12;
  const c37 = c36 + (arh * bil + arl * bih);
  const z38 = c35 + c37;
  const z39 = c37 - (z38 - c35);
  const c40 = aih * brh;
  const c41 = a5 * a8 - c40 + a5 * b9 + b6 * a8 + b6 * b9;
  const c42 = c41 + (aih * brl + ail * brh);
  const z43 = c40 + c42;
  const z44 = c42 - (z43 - c40);
  const sh45 = z38 + z43;
  const sb46 = sh45 - z38;
  const sl47 = z38 - (sh45 - sb46) + (z43 - sb46);
  const th48 = z39 + z44;
  const tb49 = th48 - z39;
  const tl50 = z39 - (th48 - tb49) + (z44 - tb49);
  const c51 = sl47 + th48;
  const vh52 = sh45 + c51;
  const vl53 = c51 - (vh52 - sh45);
  const w54 = tl50 + vl53;
  const z55 = vh52 + w54;
  const z56 = w54 - (z55 - vh52);
  product[0] = z33;
  product[1] = z34;
  product[2] = z55;
  product[3] = z56;
}

/**
 * X_k for k = 0 .. n/2 of a real signal of power-of-two length n >= 16 (zero-padded `masses`), by one complex
 * transform of length n/2 of z_j = x_2j + i x_2j+1: with Z its transform, X_k = E_k + e^(-2 pi i k/n) O_k,
 * E_k = (Z_k + conj Z_(n/2-k)) / 2, O_k = (Z_k - conj Z_(n/2-k)) / 2i. The split adds about two stages'
 * error, within DD_STAGE_ERROR's (log2 n + 3) stages.
 */
export function ddRealSpectrum(masses: Float64Array, n: number): DdComplexArray {
  const m = n / 2;
  const z = ddComplexArray(m);
  for (let i = 0; i < masses.length; i++) {
    if (i & 1) z.imHi[i >> 1] = masses[i];
    else z.reHi[i >> 1] = masses[i];
  }
  ddFft(z);
  const tw = twiddles(n);
  const x = ddComplexArray(m + 1);
  for (let k = 0; k <= m; k++) {
    const a = k % m;
    const b = (m - k) % m;
    // E = (Z_a + conj Z_b) / 2, O = (Z_a - conj Z_b) / 2i  (halving is exact)
    ddAdd(z.reHi[a], z.reLo[a], z.reHi[b], z.reLo[b]);
    const erh = 0.5 * out[0];
    const erl = 0.5 * out[1];
    ddAdd(z.imHi[a], z.imLo[a], -z.imHi[b], -z.imLo[b]);
    const eih = 0.5 * out[0];
    const eil = 0.5 * out[1];
    // (Z_a - conj Z_b) = (ar - br) + i (ai + bi); divided by 2i: re = (ai + bi) / 2, im = -(ar - br) / 2
    ddAdd(z.imHi[a], z.imLo[a], z.imHi[b], z.imLo[b]);
    const orh = 0.5 * out[0];
    const orl = 0.5 * out[1];
    ddAdd(z.reHi[a], z.reLo[a], -z.reHi[b], -z.reLo[b]);
    const oih = -0.5 * out[0];
    const oil = -0.5 * out[1];
    // w = e^(-2 pi i k / n); k = n/2 gives w = -1
    const wrh = k < m ? tw[4 * k] : -1;
    const wrl = k < m ? tw[4 * k + 1] : 0;
    const wih = k < m ? -tw[4 * k + 2] : 0;
    const wil = k < m ? -tw[4 * k + 3] : 0;
    complexProduct(wrh, wrl, wih, wil, orh, orl, oih, oil);
    ddAdd(erh, erl, product[0], product[1]);
    x.reHi[k] = out[0];
    x.reLo[k] = out[1];
    ddAdd(eih, eil, product[2], product[3]);
    x.imHi[k] = out[0];
    x.imLo[k] = out[1];
  }
  return x;
}

/**
 * The real signal of length n whose spectrum's first half (k = 0 .. n/2) is `half`, divided by n (the
 * inverse DFT), rounded to float64: one complex inverse transform of length n/2 of
 * Z_k = E_k + i O_k, E_k = (X_k + conj X_(n/2-k)) / 2, O_k = (X_k - conj X_(n/2-k)) e^(2 pi i k/n) / 2,
 * whose output holds the even samples in its real part and the odd ones in its imaginary part.
 */
export function ddRealInverse(half: DdComplexArray, n: number): Float64Array {
  const m = n / 2;
  const tw = twiddles(n);
  const z = ddComplexArray(m);
  for (let k = 0; k < m; k++) {
    const b = m - k;
    // X_(k + n/2) = conj X_(n/2 - k)
    ddAdd(half.reHi[k], half.reLo[k], half.reHi[b], half.reLo[b]);
    const erh = 0.5 * out[0];
    const erl = 0.5 * out[1];
    ddAdd(half.imHi[k], half.imLo[k], -half.imHi[b], -half.imLo[b]);
    const eih = 0.5 * out[0];
    const eil = 0.5 * out[1];
    ddAdd(half.reHi[k], half.reLo[k], -half.reHi[b], -half.reLo[b]);
    const drh = 0.5 * out[0];
    const drl = 0.5 * out[1];
    ddAdd(half.imHi[k], half.imLo[k], half.imHi[b], half.imLo[b]);
    const dih = 0.5 * out[0];
    const dil = 0.5 * out[1];
    // O = D e^(2 pi i k / n)
    complexProduct(tw[4 * k], tw[4 * k + 1], tw[4 * k + 2], tw[4 * k + 3], drh, drl, dih, dil);
    // Z = E + i O = (er - oi) + i (ei + or)
    ddAdd(erh, erl, -product[2], -product[3]);
    z.reHi[k] = out[0];
    z.reLo[k] = out[1];
    ddAdd(eih, eil, product[0], product[1]);
    z.imHi[k] = out[0];
    z.imLo[k] = out[1];
  }
  ddFft(z, true);
  const real = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    real[2 * j] = (z.reHi[j] + z.reLo[j]) / m;
    real[2 * j + 1] = (z.imHi[j] + z.imLo[j]) / m;
  }
  return real;
}

/** |z_k| (float64; for error bounds, which need no more). */
export function ddModulus(z: DdComplexArray, k: number): number {
  const re = z.reHi[k] + z.reLo[k];
  const im = z.imHi[k] + z.imLo[k];
  return Math.hypot(re, im);
}
