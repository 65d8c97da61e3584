/**
 * Every figure dpacct reports carries its kind:
 * - `upper`: certified, the true value is not larger;
 * - `lower`: certified, the true value is not smaller;
 * - `exact`: closed form (float64 rounding aside);
 * - `estimate`: Monte Carlo or asymptotic, reported with its confidence.
 */
export type BoundKind = 'upper' | 'lower' | 'exact' | 'estimate';

/** A privacy parameter with what is known about it. `value` is the headline figure. */
export interface Figure {
  readonly value: number;
  readonly kind: BoundKind;
  /** certified lower bound, where one is known */
  readonly lower?: number;
  /** certified upper bound, where one is known */
  readonly upper?: number;
}

/** The result of one accounting query, as every command returns it before formatting. */
export interface AccountingResult {
  /** which parameter the headline figure is */
  readonly quantity: 'epsilon' | 'delta';
  readonly value: number;
  readonly kind: BoundKind;
  readonly lower?: number;
  readonly upper?: number;
  /** the inputs as the user gave them (after normalisation) */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** the accountant and its settings */
  readonly accountant: { readonly name: string; readonly settings: Readonly<Record<string, unknown>> };
  /** accountant-specific detail (per-direction figures, grid intervals used, ...) */
  readonly details?: Readonly<Record<string, unknown>>;
  /** plain-language caveats to print with the figure */
  readonly notes?: readonly string[];
}
