/**
 * Random variates from a Xoshiro128 stream, each by a fixed deterministic recipe (so a stream always yields the
 * same variates): normals by the ziggurat method, exponentials by -ln U, gammas by Marsaglia & Tsang (2000)
 * rejection, normals truncated from above by rejection from the ziggurat when at least half the mass is kept and
 * otherwise by inversion (AS 241 quantile) in whichever tail is accurate.
 */
import { normalCdf } from './normal.js';
import { normalQuantile } from './normalQuantile.js';
import type { Xoshiro128 } from './rng.js';
import { fillNormalsAtMost, zigguratNormal } from './ziggurat.js';

// Math functions are bound once here: under jest (a vm context) every global lookup such as `Math` costs about
// a microsecond, which made the sampling loops tens of times slower in tests. Same functions, same results.
const { log, sqrt } = Math;

/** Standard normal (ziggurat). */
export function standardNormal(rng: Xoshiro128): number {
  return zigguratNormal(rng);
}

/** Standard exponential, -ln U. */
export function standardExponential(rng: Xoshiro128): number {
  return -log(rng.nextOpen());
}

/**
 * Gamma(shape, 1) for shape >= 1 (Marsaglia & Tsang, "A simple method for generating gamma variables", ACM TOMS
 * 2000): squeeze-and-reject on d (1 + c Z)^3 with d = shape - 1/3, c = 1/sqrt(9 d). Shape 1 is an exponential.
 */
export function standardGamma(rng: Xoshiro128, shape: number): number {
  if (shape === 1) return standardExponential(rng);
  const d = shape - 1 / 3;
  const c = 1 / sqrt(9 * d);
  for (;;) {
    const x = standardNormal(rng);
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const u = rng.nextOpen();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (log(u) < 0.5 * x2 + d * (1 - v + log(v))) return d * v;
  }
}

/**
 * Standard normal conditioned on Z <= bound. When Phi(bound) >= 1/2, by rejection: ziggurat draws above the bound
 * are discarded (at most half are, usually far fewer). Otherwise by inversion of U Phi(bound), which is then at
 * most 1/2, i.e. in the lower half where the quantile is accurate.
 */
export class TruncatedAboveNormal {
  /** [bound, Phi(bound)] in a typed array: storing doubles in object fields would allocate on every change */
  private readonly parameters = new Float64Array(2);
  private byRejection = true;

  constructor(bound: number) {
    this.setBound(bound);
  }

  get bound(): number {
    return this.parameters[0];
  }

  /** Change the bound in place (no allocation in sampling loops). */
  setBound(bound: number): void {
    this.parameters[0] = bound;
    this.byRejection = bound >= 0;
    this.parameters[1] = this.byRejection ? 1 : normalCdf(bound);
  }

  sample(rng: Xoshiro128): number {
    const bound = this.parameters[0];
    if (this.byRejection) {
      for (;;) {
        const z = zigguratNormal(rng);
        if (z <= bound) return z;
      }
    }
    return normalQuantile(rng.nextOpen() * this.parameters[1]);
  }

  /** out[0..count) = `count` successive samples (the same numbers as calling `sample` that many times). */
  fill(rng: Xoshiro128, out: Float64Array, count: number): void {
    if (this.byRejection) {
      fillNormalsAtMost(rng, this.parameters[0], out, count);
      return;
    }
    const cdfAtBound = this.parameters[1];
    for (let i = 0; i < count; i++) out[i] = normalQuantile(rng.nextOpen() * cdfAtBound);
  }
}
