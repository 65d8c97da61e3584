/**
 * Errors that reach the user. Each carries the exit code the CLI uses and a one-line message;
 * the CLI prints `error: <message>` and never a stack trace for these.
 */

/** Bad input: a flag or spec field outside its allowed range. Exit code 2. */
export class InputError extends Error {
  readonly exitCode = 2;
  /**
   * @param field flag or JSON path, e.g. `--sigma` or `stages[1].sampler.rate`
   * @param expected what is allowed, e.g. `a number in (0, 1]`
   * @param got the value found (omitted when missing)
   */
  constructor(
    readonly field: string,
    readonly expected: string,
    readonly got?: unknown,
  ) {
    super(`${field}: expected ${expected}${got === undefined ? '' : `, got ${formatGot(got)}`}`);
    this.name = 'InputError';
  }
}

/** Several input problems reported at once (spec validation). Exit code 2. */
export class InputErrors extends Error {
  readonly exitCode = 2;
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'InputErrors';
  }
}

/**
 * The numbers cannot be certified as asked (float64 rounding above the requested delta, a grid that
 * would not fit in memory, a root that is not bracketed). We refuse rather than print a wrong figure.
 * Exit code 3.
 */
export class AccountingError extends Error {
  readonly exitCode = 3;
  constructor(message: string) {
    super(message);
    this.name = 'AccountingError';
  }
}

export function formatGot(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    // JSON like 1e400 parses to Infinity: say what the user wrote is out of range, not "Infinity"
    if (!Number.isFinite(value)) return `${value < 0 ? '-' : ''}a number beyond float64's range (about 1.8e308)`;
    return String(value);
  }
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s.length > 60 ? s.slice(0, 57) + '...' : s;
  } catch {
    // too deep for JSON.stringify (or circular): String() of such a value recurses just as deep
    return Array.isArray(value) ? 'a deeply nested array' : 'a deeply nested object';
  }
}
