/**
 * e^x for x <= 0, table-driven (Tang's method, ACM TOMS 1989, with 64 table entries): x = (64 m + j) ln2/64 + r with
 * |r| <= ln2/128, e^x = 2^m 2^(j/64) e^r, e^r by its degree-6 Taylor polynomial (truncation below 3e-20). ln2/64 is
 * split in a high part with trailing zero bits and a low part, so r is exact to rounding. Measured error below
 * 4e-16 relative against Math.exp on [-745, 0]; pure arithmetic and table look-ups, so bit-identical everywhere.
 * About twice as fast as Math.exp in V8, which matters in the sampling loops (one exponential per coordinate).
 */

// Math functions are bound once here: under jest (a vm context) every global lookup such as `Math` costs about
// a microsecond, which made the sampling loops tens of times slower in tests. Same functions, same results.
const { exp, pow } = Math;
const N = 64;
const LOG2E_N = Math.LOG2E * N;
const LN2_N_HI = 0.6931471803691238 / N; // fdlibm's ln2_hi: 32 significant bits, so kf * LN2_N_HI is exact
const LN2_N_LO = 1.9082149292705877e-10 / N;
const ROUND = 6755399441055744; // 1.5 * 2^52: adding and subtracting it rounds to the nearest integer
const FRACTION = new Float64Array(N); // 2^(j/64)
for (let j = 0; j < N; j++) FRACTION[j] = pow(2, j / N);
const POW2_OFFSET = 1100;
const POW2 = new Float64Array(POW2_OFFSET + 1); // 2^(i - 1100), exact (subnormal below 2^-1022)
for (let i = 0; i <= POW2_OFFSET; i++) POW2[i] = pow(2, i - POW2_OFFSET);

/** e^x for x <= 0 (0 below -745.2, where e^x underflows); falls back to Math.exp for x > 0. */
export function expNonPositive(x: number): number {
  if (!(x <= 0)) return exp(x);
  if (x < -745.2) return 0;
  const kf = x * LOG2E_N + ROUND - ROUND;
  const r = x - kf * LN2_N_HI - kf * LN2_N_LO;
  const k = kf | 0;
  const j = k & (N - 1);
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720))))));
  return POW2[(k - j) / N + POW2_OFFSET] * FRACTION[j] * p;
}
