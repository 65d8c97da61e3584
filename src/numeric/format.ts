/**
 * Numbers as plain text for notes, errors and headlines: a few significant digits, `1.2345e-7` outside
 * [1e-4, 1e6), the words `infinite` and `not a number` instead of Infinity and NaN. The core (accountants,
 * spec, pld) formats the numbers in its notes and errors with these; figures rounded in their safe direction
 * are src/output/numbers.ts's job.
 */

export const SIGNIFICANT_DIGITS = 5;

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

/** An input value as the user gave it (no rounding direction; enough digits to recognise it). */
export function formatInput(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  let text = formatNumber(x, 6);
  // a value that rounds onto a whole number (0.9999999999999999 -> "1", a delta of 1 is not allowed): all its digits
  for (let digits = 7; Number.isInteger(Number(text)) && Number(text) !== x && digits <= 17; digits++) text = formatNumber(x, digits);
  return text;
}
