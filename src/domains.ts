/**
 * The allowed ranges of every number dpacct accepts, each with the phrase used in error messages.
 * One table serves the command-line flags and the JSON spec, so `--sampling-rate 1.5` and
 * `"rate": 1.5` are refused with the same words.
 */
import { z } from 'zod';
import { InputError } from './errors.js';
import { MAX_STEPS, STEPS_RANGE } from './stages.js';

export interface NumberDomain {
  /** the phrase after "expected", e.g. `a number in (0, 1]` */
  readonly expected: string;
  /** zod schema of the value; every check carries `expected` as its message */
  readonly schema: z.ZodNumber;
}

function domain(expected: string, build: (n: z.ZodNumber, error: { error: string }) => z.ZodNumber): NumberDomain {
  const error = { error: expected };
  return Object.freeze({ expected, schema: build(z.number(error), error) });
}

export const domains = Object.freeze({
  /** noise multipliers, Laplace scales, target epsilons */
  positive: domain('a number > 0', (n, e) => n.gt(0, e)),
  /** epsilon to query a delta at (0 allowed) */
  nonNegative: domain('a number >= 0', (n, e) => n.gte(0, e)),
  /** delta of a query or a budget */
  openProbability: domain('a number in (0, 1)', (n, e) => n.gt(0, e).lt(1, e)),
  /** delta of an (eps, delta)-DP step; 0 is pure DP */
  deltaOfStep: domain('a number in [0, 1)', (n, e) => n.gte(0, e).lt(1, e)),
  /** Poisson sampling rates */
  rate: domain('a number in (0, 1]', (n, e) => n.gt(0, e).lte(1, e)),
  /** randomized response noise parameter (probability of a uniformly random answer) */
  noiseParameter: domain('a number in (0, 1]', (n, e) => n.gt(0, e).lte(1, e)),
  /** PLD grid interval */
  discretization: domain('a number in (0, 0.1]', (n, e) => n.gt(0, e).lte(0.1, e)),
  precision: domain('a number in [1e-6, 1)', (n, e) => n.gte(1e-6, e).lt(1, e)),
  /** numbers of steps: the accountants refuse more than MAX_STEPS (src/stages.ts) */
  steps: domain(STEPS_RANGE, (n, e) => n.int(e).gt(0, e).lte(MAX_STEPS, e)),
  /** batch sizes, dataset sizes, sample counts */
  positiveInteger: domain('a positive integer', (n, e) => n.int(e).gt(0, e).lte(Number.MAX_SAFE_INTEGER, e)),
  /** random seeds */
  nonNegativeInteger: domain('an integer >= 0', (n, e) => n.int(e).gte(0, e).lte(Number.MAX_SAFE_INTEGER, e)),
  /** categories of randomized response */
  categories: domain('an integer >= 2', (n, e) => n.int(e).gte(2, e).lte(Number.MAX_SAFE_INTEGER, e)),
  /** epochs (fractional epochs allowed for Poisson sampling) */
  epochs: domain('a number > 0', (n, e) => n.gt(0, e)),
  /** probabilities of a mixture's components */
  probability: domain('a number in [0, 1]', (n, e) => n.gte(0, e).lte(1, e)),
  /** confidence levels */
  confidence: domain('a number in (0, 1)', (n, e) => n.gt(0, e).lt(1, e)),
} satisfies Record<string, NumberDomain>);

export type DomainName = keyof typeof domains;

/** Decimal or scientific notation only: no hex, no `Infinity`, no `NaN`, no empty string. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a flag's text into a number of the given domain, or throws
 * `InputError(flag, expected, got)`: e.g. `--sigma: expected a number > 0, got -1`.
 */
export function parseNumberText(field: string, text: string, which: NumberDomain): number {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) throw new InputError(field, which.expected, text);
  const value = Number(trimmed);
  if (!Number.isFinite(value)) throw new InputError(field, which.expected, text);
  const checked = which.schema.safeParse(value);
  if (!checked.success) throw new InputError(field, which.expected, value);
  return checked.data;
}
