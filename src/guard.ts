/**
 * The last check every computed figure passes before it leaves the accounting layer: a NaN (or a negative
 * value, or an upper bound below a lower bound) is a numerical failure somewhere below, and must never reach
 * the user as a number. A NaN headline or upper bound is refused (AccountingError, exit 3); a NaN lower bound
 * is dropped (no lower bound is always true). Infinity stays: it is the honest certified upper bound.
 */
import { AccountingError } from './errors.js';
import type { BoundKind } from './result.js';

interface GuardedFigure {
  readonly value: number;
  readonly kind: BoundKind;
  readonly lower?: number;
  readonly upper?: number;
}

/** Relative slack for lower <= upper (closed forms bracket their value within a few ulps). */
const ORDER_SLACK = 1e-9;

export function guardFigure<F extends GuardedFigure>(f: F, what: string): F {
  const bad = (x: number) => typeof x !== 'number' || Number.isNaN(x) || x < 0;
  if (bad(f.value)) throw new AccountingError(`the computation of ${what} failed numerically (${String(f.value)}); no figure is certified`);
  if (f.upper !== undefined && bad(f.upper))
    throw new AccountingError(`the upper bound on ${what} failed numerically (${String(f.upper)}); no figure is certified`);
  let out = f;
  if (f.lower !== undefined && bad(f.lower)) {
    const { lower: _dropped, ...rest } = f;
    out = rest as F;
  }
  const upper = out.upper ?? (out.kind === 'upper' ? out.value : undefined);
  const lower = out.lower ?? (out.kind === 'lower' ? out.value : undefined);
  if (upper !== undefined && lower !== undefined && lower > upper * (1 + ORDER_SLACK) + Number.MIN_VALUE)
    throw new AccountingError(`the bounds on ${what} contradict each other (lower ${lower} > upper ${upper}); no figure is certified`);
  return out;
}
