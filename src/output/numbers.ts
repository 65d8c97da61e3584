/**
 * Figures as text. Rounding follows the figure's kind so the printed number keeps its promise:
 * an upper bound is rounded up, a lower bound down, exact values and estimates to nearest.
 * Infinity is never printed as a number: it is the word `infinite`.
 */
import type { BoundKind } from '../result.js';

export const SIGNIFICANT_DIGITS = 5;

/** x rounded to `digits` significant digits, up (`ceil`), down (`floor`) or to nearest. */
export function roundSignificant(x: number, digits: number, mode: 'up' | 'down' | 'nearest'): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const exponent = Math.floor(Math.log10(Math.abs(x)));
  const scale = digits - 1 - exponent;
  // scale by a power of ten exactly representable on the relevant side; near the bottom of float64 a
  // single 10^scale would overflow, so the scaling goes in two steps (the guards below keep the side)
  const first = scale > 300 ? 1e300 : 1;
  const factor = Math.pow(10, Math.abs(scale > 300 ? scale - 300 : scale));
  const scaled = scale >= 0 ? x * first * factor : x / factor;
  const rounded = mode === 'up' ? Math.ceil(scaled) : mode === 'down' ? Math.floor(scaled) : Math.round(scaled);
  let back = scale >= 0 ? rounded / factor / first : rounded * factor;
  // guard against the division landing a hair on the wrong side of the bound
  if (mode === 'up' && back < x) back = nextUp(back);
  if (mode === 'down' && back > x) back = nextDown(back);
  return back;
}

function nextUp(x: number): number {
  return x + Math.max(Math.abs(x) * Number.EPSILON, Number.MIN_VALUE);
}
function nextDown(x: number): number {
  return x - Math.max(Math.abs(x) * Number.EPSILON, Number.MIN_VALUE);
}

/** Plain text for a number: fixed notation for 1e-4 <= |x| < 1e6, otherwise `1.2345e-7`. */
export function formatNumber(x: number, digits = SIGNIFICANT_DIGITS): string {
  if (Number.isNaN(x)) return 'not a number';
  if (x === Infinity) return 'infinite';
  if (x === -Infinity) return '-infinite';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e-4 && abs < 1e6) {
    const text = x.toPrecision(Math.max(digits, Math.floor(Math.log10(abs)) + 1));
    return text.includes('e') ? String(Number(text)) : text.includes('.') ? text.replace(/\.?0+$/, '') : text;
  }
  const [mantissa, exponent] = x.toExponential(digits - 1).split('e');
  const m = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
  return `${m}e${exponent.replace('+', '')}`;
}

const ROUNDING: Record<BoundKind, 'up' | 'down' | 'nearest'> = {
  upper: 'up',
  lower: 'down',
  exact: 'nearest',
  // dpacct's headline estimates are upper confidence bounds: rounding up keeps them on the safe side
  estimate: 'up',
};

/** A figure of the given kind, rounded in its safe direction. */
export function formatFigure(value: number, kind: BoundKind, digits = SIGNIFICANT_DIGITS): string {
  if (!Number.isFinite(value)) return formatNumber(value);
  const mode = ROUNDING[kind];
  let rounded = roundSignificant(value, digits, mode);
  let text = formatNumber(rounded, digits);
  // the printed decimal must still be on the safe side of the value (float rounding can cross it by an ulp)
  for (let guard = 0; guard < 4; guard++) {
    const shown = Number(text);
    if ((mode === 'up' && shown < value) || (mode === 'down' && shown > value)) {
      const ulp = Math.pow(10, Math.floor(Math.log10(Math.abs(rounded))) - digits + 1);
      rounded = mode === 'up' ? rounded + ulp : rounded - ulp;
      text = formatNumber(rounded, digits);
    } else break;
  }
  return text;
}

/** An input value as the user gave it (no rounding direction; enough digits to recognise it). */
export function formatInput(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  return formatNumber(x, 6);
}
