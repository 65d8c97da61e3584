/**
 * The double-double FFT composition (src/pld/doubleDouble.ts, convolveDoubleDouble in convolution.ts) against
 * exact arithmetic: n fair coin flips on a grid compose to C(n, k) / 2^n, computed here with BigInt. Every
 * composed cell must lie within the certified per-cell error bound (plus its float64 rounding), and that
 * bound must be near the double-double unit, not float64's.
 */
import { convolveDoubleDouble } from '../src/pld/convolution.js';
import { ddComplexArray, ddFft } from '../src/pld/doubleDouble.js';

/** C(n, k) / 2^n for k = 0 .. n, each rounded once to float64 */
function binomialHalf(n: number): number[] {
  const out: number[] = [];
  let c = 1n;
  for (let k = 0; k <= n; k++) {
    if (k > 0) c = (c * BigInt(n - k + 1)) / BigInt(k);
    // the top 60 bits of C(n, k), scaled by 2^(shift - n) in two steps (no overflow)
    const shift = Math.max(0, c.toString(2).length - 60);
    out.push(Number(c >> BigInt(shift)) * 2 ** (shift - Math.ceil(n / 2)) * 2 ** -Math.floor(n / 2));
  }
  return out;
}

test.each([
  [100, 0],
  [1000, 0],
  [1000, -5],
])('%p fair coins (window offset %p): every cell within the certified bound of the exact C(n, k) / 2^n', (n, low) => {
  const pmf = { interval: 1, offset: 0, masses: new Float64Array([0.5, 0.5]), infinityMass: 0 };
  const points = n + 1 - low;
  const c = convolveDoubleDouble([{ pmf, count: n }], low, points);
  const bound = Math.exp(c.logError);
  expect(bound).toBeLessThan(1e-26);
  const exact = binomialHalf(n);
  for (let r = 0; r < points; r++) {
    const k = low + r;
    const truth = k >= 0 && k <= n ? exact[k] : 0;
    // the reference's own rounding: a few float64 units of the value
    expect(Math.abs(c.values[r] - truth)).toBeLessThanOrEqual(bound + 4 * 2 ** -53 * truth);
  }
});

test('a forward and an inverse transform give back the signal to about 1e-31', () => {
  const n = 1 << 12;
  const a = ddComplexArray(n);
  const x = new Float64Array(n);
  let seed = 7;
  for (let i = 0; i < n; i++) {
    seed = (seed * 16807) % 2147483647;
    x[i] = seed / 2147483647;
    a.reHi[i] = x[i];
  }
  ddFft(a);
  ddFft(a, true);
  for (let i = 0; i < n; i++) {
    expect(Math.abs((a.reHi[i] + a.reLo[i]) / n - x[i])).toBeLessThan(1e-30);
    expect(Math.abs((a.imHi[i] + a.imLo[i]) / n)).toBeLessThan(1e-30);
  }
});
