/**
 * FFT helpers on top of fft.js (power-of-two sizes, float64, not in place). One instance per size is built
 * once and reused: building the twiddle tables costs about as much as a transform.
 *
 * Only real signals are transformed, so only half of each spectrum (k = 0 .. N/2) is kept; the inverse
 * packs the real output into a complex transform of half the size (even samples in the real part, odd in
 * the imaginary part).
 */
import FFT from 'fft.js';

// bound once: global Math lookups are slow in hot loops under some module loaders (jest's vm)
const { cos, floor, log, sin } = Math;

const instances = new Map<number, FFT>();
const twiddles = new Map<number, Float64Array>();

function instance(size: number): FFT {
  let f = instances.get(size);
  if (!f) {
    f = new FFT(size);
    instances.set(size, f);
  }
  return f;
}

/** e^(2 pi i k / n) for k < n/2, interleaved. */
function twiddle(n: number): Float64Array {
  let t = twiddles.get(n);
  if (!t) {
    t = new Float64Array(n);
    for (let k = 0; k < n / 2; k++) {
      t[2 * k] = cos((2 * Math.PI * k) / n);
      t[2 * k + 1] = sin((2 * Math.PI * k) / n);
    }
    twiddles.set(n, t);
  }
  return t;
}

/** Smallest power of two >= n (at least 8: half of it must still suit fft.js). */
export function nextPowerOfTwo(n: number): number {
  let p = 8;
  while (p < n) p *= 2;
  return p;
}

/** The masses folded modulo `size` (circular convolution only sees indices modulo the FFT size). */
export function foldedSignal(masses: Float64Array, size: number): Float64Array {
  const signal = new Float64Array(size);
  if (masses.length <= size) {
    signal.set(masses);
    return signal;
  }
  for (let start = 0; start < masses.length; start += size) {
    const end = Math.min(masses.length, start + size);
    for (let i = start; i < end; i++) signal[i - start] += masses[i];
  }
  return signal;
}

/**
 * Half spectrum of a real signal of power-of-two length N: interleaved (re, im) for k = 0 .. N/2 in the
 * first N + 2 entries of the returned array (the rest is scratch).
 */
export function realHalfSpectrum(signal: Float64Array): Float64Array {
  const f = instance(signal.length);
  const out = new Float64Array(2 * signal.length);
  f.realTransform(out, signal);
  return out;
}

/**
 * out = out * spectrum^power (or, with `replace`, out = spectrum^power; out may be spectrum itself) for
 * k = 0 .. N/2 (complex, interleaved), by repeated squaring (float64 rounding
 * then grows like power * 2^-53, the conditioning of z -> z^power itself). Coefficients whose power is
 * below 1e-300 in modulus are set to zero without computing it.
 */
export function multiplyByPowerHalf(out: Float64Array, spectrum: Float64Array, n: number, power: number, replace = false): void {
  if (!Number.isInteger(power) || power < 0) throw new RangeError(`power must be a non-negative integer`);
  if (power === 0) return;
  const negligible = -690 / power; // ln|z| below this: |z|^power < 1e-300
  for (let i = 0; i <= n; i += 2) {
    let br = spectrum[i];
    let bi = spectrum[i + 1];
    const modulus2 = br * br + bi * bi;
    if (0.5 * log(modulus2) < negligible || (!replace && out[i] === 0 && out[i + 1] === 0)) {
      out[i] = 0;
      out[i + 1] = 0;
      continue;
    }
    let rr = 1;
    let ri = 0;
    let e = power;
    for (;;) {
      if (e & 1) {
        const t = rr * br - ri * bi;
        ri = rr * bi + ri * br;
        rr = t;
      }
      e = floor(e / 2);
      if (e === 0) break;
      const t = br * br - bi * bi;
      bi = 2 * br * bi;
      br = t;
    }
    if (replace) {
      out[i] = rr;
      out[i + 1] = ri;
      continue;
    }
    const or = out[i];
    const oi = out[i + 1];
    out[i] = or * rr - oi * ri;
    out[i + 1] = or * ri + oi * rr;
  }
}

/** The real signal of length n whose half spectrum (k = 0 .. n/2, interleaved) is given. */
export function inverseHalfToReal(half: Float64Array, n: number): Float64Array {
  const m = n / 2;
  const w = twiddle(n);
  const packed = new Float64Array(2 * m);
  for (let k = 0; k < m; k++) {
    const ar = half[2 * k];
    const ai = half[2 * k + 1];
    // X_{k + n/2} = conj(X_{n/2 - k}) for a real signal
    const j = m - k;
    const br = half[2 * j];
    const bi = -half[2 * j + 1];
    const er = ar + br;
    const ei = ai + bi;
    const dr = ar - br;
    const di = ai - bi;
    const wr = w[2 * k];
    const wi = w[2 * k + 1];
    const or = dr * wr - di * wi;
    const oi = dr * wi + di * wr;
    // Z = E + i O
    packed[2 * k] = er - oi;
    packed[2 * k + 1] = ei + or;
  }
  const out = new Float64Array(2 * m);
  instance(m).inverseTransform(out, packed);
  const real = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    real[2 * i] = 0.5 * out[2 * i];
    real[2 * i + 1] = 0.5 * out[2 * i + 1];
  }
  return real;
}
