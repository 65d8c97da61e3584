/**
 * Figures as text. Rounding follows the figure's kind so the printed number keeps its promise:
 * an upper bound is rounded up, a lower bound down, exact values and estimates to nearest.
 * Infinity is never printed as a number: it is the word `infinite`.
 */
import { Decimal } from 'decimal.js';
import type { BoundKind } from '../result.js';
import { formatNumber, SIGNIFICANT_DIGITS } from '../numeric/format.js';

// plain numbers and inputs are formatted below the output layer (notes and errors of the core use them too)
export { formatInput, formatNumber, SIGNIFICANT_DIGITS } from '../numeric/format.js';

/** decimal.js rounding modes for each direction (ROUND_HALF_CEIL: ties upward, as Number#toPrecision) */
const MODES = { up: Decimal.ROUND_CEIL, down: Decimal.ROUND_FLOOR, nearest: Decimal.ROUND_HALF_CEIL } as const;

/**
 * x rounded to `digits` significant digits, as a decimal: up (ceil), down (floor) or to nearest. decimal.js
 * starts from the shortest decimal that reads back as x, so the rounded decimal reads back as a double on the
 * same side of x as the rounding (reading is monotone): what a user or a script gets from the printed text.
 */
export function roundSignificantDecimal(x: number, digits: number, mode: 'up' | 'down' | 'nearest'): Decimal {
  return new Decimal(x).toSignificantDigits(digits, MODES[mode]);
}

/**
 * x rounded to `digits` significant digits, as a number: the double nearest to the rounded decimal, moved one
 * double outward if that crosses x (so `up` never returns less than x and `down` never more).
 */
export function roundSignificant(x: number, digits: number, mode: 'up' | 'down' | 'nearest'): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const back = roundSignificantDecimal(x, digits, mode).toNumber();
  if (mode === 'up' && back < x) return nextDouble(back, 1);
  if (mode === 'down' && back > x) return nextDouble(back, -1);
  return back;
}

/** The adjacent double of a finite x in direction `towards` (+1 up, -1 down). */
function nextDouble(x: number, towards: 1 | -1): number {
  if (x === 0) return towards * Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigInt64(0);
  view.setBigInt64(0, x > 0 === towards > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

const ROUNDING: Record<BoundKind, 'up' | 'down' | 'nearest'> = {
  upper: 'up',
  lower: 'down',
  exact: 'nearest',
  // dpacct's headline estimates are upper confidence bounds: rounding up keeps them on the safe side
  estimate: 'up',
};

/** Text of a decimal in formatNumber's notation: fixed for 1e-4 <= |x| < 1e6, otherwise `1.2345e-7`. */
function decimalText(d: Decimal): string {
  if (d.isZero()) return '0';
  const abs = d.abs();
  if (abs.gte(1e-4) && abs.lt(1e6)) return d.toFixed();
  return d.toExponential().replace('e+', 'e');
}

/**
 * A figure of the given kind, rounded in its safe direction by decimal.js, so the printed decimal is itself a
 * bound: an upper bound never reads back below the value, a lower bound never above it.
 */
export function formatFigure(value: number, kind: BoundKind, digits = SIGNIFICANT_DIGITS): string {
  if (!Number.isFinite(value) || value === 0) return formatNumber(value);
  return decimalText(roundSignificantDecimal(value, digits, ROUNDING[kind]));
}
