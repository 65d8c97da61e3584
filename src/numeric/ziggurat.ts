/**
 * Standard normal variates by the ziggurat method (Marsaglia & Tsang, "The ziggurat method for generating random
 * variables", J. Stat. Software 5(8), 2000), 256 layers of equal area V under f(x) = exp(-x^2/2), x >= 0.
 *
 * Layers: x_1 = R, f(x_{i+1}) = f(x_i) + V/x_i, x_256 = 0; the base layer is the rectangle [0, R] x [0, f(R)]
 * plus the tail beyond R, drawn as a rectangle of width x_0 = V/f(R). A draw picks a layer uniformly and a point
 * u x_i in it; it is accepted at once when u x_i < x_{i+1} (about 99% of draws), else the wedge is tested against
 * f with one more uniform, and the base layer's overflow goes to Marsaglia's exact tail sampler. The result is
 * exactly N(0, 1) up to float64 rounding.
 *
 * Bits: two 32-bit outputs per attempt give a 53-bit uniform u (as in Xoshiro128.nextOpen) plus 11 spare low bits,
 * of which 8 pick the layer and 1 the sign, so layer, sign and position use disjoint bits (Doornik 2005 points out
 * that reusing bits between them biases the original implementation).
 *
 * R and V for 256 layers were solved to 25 digits with mpmath (R = 3.6541528853610088, V = 0.0049286732339746553,
 * the same as Marsaglia & Tsang's published constants); the table is rebuilt at load with Math.exp, Math.log and
 * Math.sqrt, which are deterministic in V8.
 */
import type { Xoshiro128 } from './rng.js';

// Math functions are bound once here: under jest (a vm context) every global lookup such as `Math` costs about
// a microsecond, which made the sampling loops tens of times slower in tests. Same functions, same results.
const { exp, log, sqrt, imul } = Math;

const LAYERS = 256;
const REJECTED = 0 / 0; // NaN without a global lookup
const R = 3.6541528853610088;
const V = 0.0049286732339746553;

const X = new Float64Array(LAYERS + 1);
const F = new Float64Array(LAYERS + 1);
X[0] = V / exp(-0.5 * R * R);
X[1] = R;
for (let i = 1; i < LAYERS - 1; i++) X[i + 1] = sqrt(-2 * log(exp(-0.5 * X[i] * X[i]) + V / X[i]));
X[LAYERS] = 0;
for (let i = 0; i <= LAYERS; i++) F[i] = exp(-0.5 * X[i] * X[i]);

const TWO_POW_MINUS_53 = 2 ** -53;
const TWO_POW_26 = 2 ** 26;

/**
 * The rare part of a ziggurat attempt (layer 0 overflow or a wedge), given the attempt's layer, sign and position
 * x = u x_layer; draws further uniforms from `rng`. Returns NaN when the attempt is rejected.
 */
function slowPath(rng: Xoshiro128, layer: number, negative: boolean, x: number): number {
  if (layer === 0) {
    // tail beyond R: x = R + E1/R conditioned on 2 E2 > (E1/R)^2 (Marsaglia 1964)
    let e1: number;
    let e2: number;
    do {
      e1 = -log(rng.nextOpen()) / R;
      e2 = -log(rng.nextOpen());
    } while (e2 + e2 < e1 * e1);
    return negative ? -(R + e1) : R + e1;
  }
  if (F[layer] + rng.nextOpen() * (F[layer + 1] - F[layer]) < exp(-0.5 * x * x)) return negative ? -x : x;
  return REJECTED;
}

/** One N(0, 1) variate. */
export function zigguratNormal(rng: Xoshiro128): number {
  for (;;) {
    const a = rng.nextInt32();
    const b = rng.nextInt32();
    const u = ((a >>> 5) * TWO_POW_26 + (b >>> 6) + 0.5) * TWO_POW_MINUS_53;
    const layer = (b & 63) | ((a & 3) << 6);
    const negative = (a & 4) !== 0;
    const x = u * X[layer];
    if (x < X[layer + 1]) return negative ? -x : x;
    const z = slowPath(rng, layer, negative, x);
    if (z === z) return z;
  }
}

/**
 * Fills out[0..count) with N(0, 1) variates conditioned on <= bound, by rejection: exactly the sequence of
 * `zigguratNormal` draws with those above the bound skipped, but with the generator state held in locals (about
 * twice as fast as calling through the object). Meant for bounds where rejection is rare (Phi(bound) >= 1/2).
 */
export function fillNormalsAtMost(rng: Xoshiro128, bound: number, out: Float64Array, count: number): void {
  const s = rng.state;
  let s0 = s[0];
  let s1 = s[1];
  let s2 = s[2];
  let s3 = s[3];
  let i = 0;
  while (i < count) {
    // two xoshiro128** steps, as in Xoshiro128.nextInt32
    let m = imul(s1, 5);
    const a = imul((m << 7) | (m >>> 25), 9);
    let t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    m = imul(s1, 5);
    const b = imul((m << 7) | (m >>> 25), 9);
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);

    const u = ((a >>> 5) * TWO_POW_26 + (b >>> 6) + 0.5) * TWO_POW_MINUS_53;
    const layer = (b & 63) | ((a & 3) << 6);
    let x = u * X[layer];
    if (x < X[layer + 1]) {
      if ((a & 4) !== 0) x = -x;
    } else {
      s[0] = s0;
      s[1] = s1;
      s[2] = s2;
      s[3] = s3;
      x = slowPath(rng, layer, (a & 4) !== 0, x);
      s0 = s[0];
      s1 = s[1];
      s2 = s[2];
      s3 = s[3];
      if (x !== x) continue;
    }
    if (x <= bound) out[i++] = x;
  }
  s[0] = s0;
  s[1] = s1;
  s[2] = s2;
  s[3] = s3;
}
