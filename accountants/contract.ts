/**
 * The one contract every accountant implements, and that dispatch (src/spec/evaluate.ts), `compare`, the
 * delta curve and calibration use instead of testing sampler names. An accountant says whether it can
 * account a plan (or why not) and returns one Figure (src/result.ts) per query.
 */
import type { AccountingPlan, Query } from '../src/plan.js';
import type { Figure, AccountantCalibration } from '../src/result.js';
import type { SamplerKind } from '../src/mechanism.js';

export interface AccountOptions {
  /** progress of long work (Monte Carlo samples done out of total) */
  readonly onProgress?: (done: number, total: number) => void;
  /** stops long work early (the promise then rejects with the signal's reason) */
  readonly signal?: AbortSignal;
}

export interface Accountant {
  /** registry key, e.g. `pld`, `shuffle` */
  readonly name: string;
  /** `true` when this accountant can account the plan, otherwise why not (one sentence, no flag names) */
  supports(plan: AccountingPlan): true | string;
  /** the figure for one query; may be asynchronous (Monte Carlo in worker threads) */
  account(plan: AccountingPlan, query: Query, options?: AccountOptions): Figure | Promise<Figure>;
  /**
   * several queries at once, sharing the expensive part (one Monte Carlo run for a whole delta curve);
   * without it, dispatch calls `account` per query
   */
  accountMany?(plan: AccountingPlan, queries: readonly Query[], options?: AccountOptions): readonly Figure[] | Promise<readonly Figure[]>;
  /** how results name the accountant and its settings (JSON `accountant`) */
  describe(plan: AccountingPlan): { readonly name: string; readonly settings: Readonly<Record<string, unknown>> };
  /**
   * the sampler whose row this accountant gives in `compare` (one stage, same sigma, T and E), with a note
   * for that row; `monteCarlo` rows appear only when Monte Carlo settings are asked for
   */
  readonly compareAs?: { readonly sampler: SamplerKind; readonly note?: string; readonly monteCarlo?: boolean };
  /**
   * the noise multiplier meeting `target` (epsilon at delta), when this accountant knows better than a search
   * over `account`: a closed form, or a certified lower bound (a necessary sigma) where `account` gives no
   * upper bound. Without it calibration searches over the certified upper bound.
   */
  calibrateNoise?(
    plan: AccountingPlan,
    target: { readonly epsilon: number; readonly delta: number },
  ): AccountantCalibration | Promise<AccountantCalibration>;
}
