/**
 * Seeded pseudo-random numbers that are the same on every machine and for every worker layout.
 *
 * Generator: xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 2021),
 * period 2^128 - 1, the 32-bit member of the xoshiro family. It needs only 32-bit integer arithmetic (Math.imul,
 * shifts, xor), so it is fast in JavaScript and bit-exact everywhere.
 *
 * Streams. A Monte Carlo run is cut into batches of a size fixed by the problem (jobs.ts, batchSizeFor); batch i of
 * a stream (one estimator, direction and pass; streamKeyOf) has its own generator whose state is derived from
 * (seed, streamKey, i) and nothing else:
 *
 *   key   = mix64(mix64(mix64(seed) XOR streamKey) XOR i)          (all arithmetic modulo 2^64)
 *   state = the four 32-bit halves (high first) of the first two outputs of SplitMix64 started at `key`
 *
 * where mix64 is the SplitMix64 output function (Steele, Lea & Flood 2014; Stafford's "variant 13" constants) and
 * SplitMix64 adds 0x9E3779B97F4A7C15 before each mix. So a batch's numbers depend on (seed, stream, batch index)
 * only, never on which worker ran it or in what order. Derived states of different batches are unrelated points
 * of the 2^128 period: m batches of L draws each overlap with probability about m^2 L / 2^128, below 1e-17 for a
 * million batches of a billion draws.
 *
 * Doubles: 53 random bits, returned as (k + 1/2) / 2^53 for k uniform in [0, 2^53), i.e. strictly inside (0, 1),
 * so log(u) and quantile(u) are always finite.
 */

// Math functions are bound once here: under jest (a vm context) every global lookup such as `Math` costs about
// a microsecond, which made the sampling loops tens of times slower in tests. Same functions, same results.
const { imul } = Math;

const MASK64 = (1n << 64n) - 1n;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;

/** SplitMix64 output function (bijective 64-bit mixer). */
export function mix64(z: bigint): bigint {
  z &= MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** The 64-bit key of batch `batchIndex` of stream `streamKey` under `seed` (see the module comment). */
export function batchKey(seed: number, streamKey: bigint, batchIndex: number): bigint {
  return mix64(mix64(mix64(BigInt(seed)) ^ (streamKey & MASK64)) ^ BigInt(batchIndex));
}

/** A 64-bit stream key from small non-negative integer tags and doubles (their IEEE-754 bits), order-sensitive. */
export function streamKeyOf(tags: readonly number[]): bigint {
  const view = new DataView(new ArrayBuffer(8));
  let key = 0x5bd1e9955bd1e995n;
  for (const tag of tags) {
    view.setFloat64(0, tag);
    key = mix64(key ^ view.getBigUint64(0));
  }
  return key;
}

const TWO_POW_MINUS_53 = 2 ** -53;
const TWO_POW_26 = 2 ** 26;

/** xoshiro128** with 53-bit doubles; one instance per batch. */
export class Xoshiro128 {
  /**
   * State words. A typed array keeps them unboxed (32-bit values do not fit V8's small integers); hot loops may
   * copy them to locals, step with `xoshiroStep`-identical code and write them back (see ziggurat.ts).
   */
  readonly state = new Int32Array(4);

  constructor(words: readonly [number, number, number, number]) {
    const s = this.state;
    s[0] = words[0];
    s[1] = words[1];
    s[2] = words[2];
    s[3] = words[3];
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // the all-zero state is a fixed point
  }

  /** The generator of batch `batchIndex` of stream `streamKey` (see the module comment for the derivation). */
  static forBatch(seed: number, streamKey: bigint, batchIndex: number): Xoshiro128 {
    let state = batchKey(seed, streamKey, batchIndex);
    state = (state + GOLDEN_GAMMA) & MASK64;
    const a = mix64(state);
    state = (state + GOLDEN_GAMMA) & MASK64;
    const b = mix64(state);
    return new Xoshiro128([Number(a >> 32n) | 0, Number(a & 0xffffffffn) | 0, Number(b >> 32n) | 0, Number(b & 0xffffffffn) | 0]);
  }

  /** Next 32-bit output, as a signed int32 (use `>>> 0` for the unsigned value). */
  nextInt32(): number {
    const s = this.state;
    const s0 = s[0];
    const s1 = s[1];
    const s2 = s[2] ^ s0;
    const s3 = s[3] ^ s1;
    s[0] = s0 ^ s3;
    s[1] = s1 ^ s2;
    s[2] = s2 ^ (s1 << 9);
    s[3] = (s3 << 11) | (s3 >>> 21);
    const m = imul(s1, 5);
    return imul((m << 7) | (m >>> 25), 9);
  }

  /** Next 32-bit output as an unsigned integer. */
  nextUint32(): number {
    return this.nextInt32() >>> 0;
  }

  /** Uniform double strictly inside (0, 1): (k + 1/2) 2^-53 with k uniform on 53 bits. */
  nextOpen(): number {
    const hi = this.nextInt32() >>> 5; // 27 bits
    const lo = this.nextInt32() >>> 6; // 26 bits
    return (hi * TWO_POW_26 + lo + 0.5) * TWO_POW_MINUS_53;
  }
}
