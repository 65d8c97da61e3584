/**
 * What commands hand to the formatters besides a plain AccountingResult.
 */
import type { AccountingResult, BoundKind } from '../result.js';

export interface StageCostView {
  readonly label: string;
  readonly epsilon: number;
  readonly kind: BoundKind;
}

export interface BudgetReport {
  readonly withinBudget: boolean;
  /** `upper`: the certified upper bound was compared; `lower`: only a lower bound is known and it exceeds the budget */
  readonly basis: 'upper' | 'lower';
  readonly budget: { readonly epsilon: number; readonly delta: number };
  /** the composed epsilon at the budget's delta; its upper bound is what is compared */
  readonly result: AccountingResult;
  /** upper bound minus budget (positive when over) */
  readonly excess: number;
  /** per-stage epsilons, computed only when over budget and there are several stages */
  readonly stageCosts?: readonly StageCostView[];
}

export type CalibrationParameter = 'sigma' | 'steps' | 'epochs' | 'sampling-rate' | 'batch-size';

export interface CalibrationReport {
  readonly parameter: CalibrationParameter;
  /** the calibrated value (integer for steps, epochs and batch-size) */
  readonly value: number;
  /** `sufficient` when the figure behind it is an upper bound, `necessary` when a lower bound */
  readonly guarantee: 'sufficient' | 'necessary';
  readonly target: { readonly epsilon: number; readonly delta: number };
  /** the accounting at the calibrated value */
  readonly result: AccountingResult;
  readonly evaluations: number;
  readonly notes: readonly string[];
}

export interface ComparisonRow {
  readonly sampler: string;
  readonly value: number;
  readonly kind: BoundKind;
  readonly lower?: number;
  readonly upper?: number;
  /** figure / Poisson figure */
  readonly ratioToPoisson?: number;
  readonly notes?: readonly string[];
}

export interface ComparisonReport {
  readonly quantity: 'epsilon' | 'delta';
  readonly rows: readonly ComparisonRow[];
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly notes: readonly string[];
}

/**
 * delta at several epsilons from one composition (`dpacct delta --epsilon 0.5,1,2`, a spec whose `epsilon`
 * is a list). Each point is a full single-query result (quantity `delta`), in the order the epsilons were given.
 */
export interface DeltaCurveReport {
  readonly epsilons: readonly number[];
  readonly points: readonly AccountingResult[];
  /** the inputs, with `epsilon` the list */
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly accountant: AccountingResult['accountant'];
  /** every point's notes once, plus what holds for the curve as a whole */
  readonly notes: readonly string[];
}
