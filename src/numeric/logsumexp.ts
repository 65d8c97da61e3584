// bound once: global Math lookups are slow in hot loops under some module loaders (jest's vm)
const { abs, exp, expm1, log, log1p, max } = Math;

/** ln(sum_i exp(a_i)) without overflow; -Infinity for an empty or all -Infinity input. */
export function logSumExp(values: ArrayLike<number>): number {
  let top = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > top) top = values[i];
  if (top === -Infinity || top === Infinity) return top;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += exp(values[i] - top);
  return top + log(sum);
}

/** ln(exp(a) + exp(b)). */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = max(a, b);
  return m + log1p(exp(-abs(a - b)));
}

/** ln(exp(a) - exp(b)) for a >= b; -Infinity when they are equal. */
export function logSubExp(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (b > a) throw new RangeError(`logSubExp: ${b} > ${a}`);
  if (a === b) return -Infinity;
  return a + log(-expm1(b - a));
}
