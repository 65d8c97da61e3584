/**
 * Balls-and-bins figures for test/ballsAndBinsFallbacks.test.ts in plain node (see test/helpers/plainNode.ts):
 * the decomposition bound (its Poisson PLD is the costly part), the default PLD's certified lower bounds, and
 * the balls-and-bins accountant's figure with and without a precision target.
 */
import { decompositionBound, type DecompositionFigure } from '../../accountants/ballsAndBins/decomposition.js';
import type { PldOptions } from '../../accountants/pld.js';
import type { GaussianBatchSetting } from '../../src/plan.js';
import { randomAllocationAccount } from '../../src/pld/randomAllocation.js';
import { serve } from './serve.js';
import { ballsAndBinsPldAccountant } from '../../accountants/ballsAndBinsPld.js';
import { trainingPlan } from '../../src/cli/training.js';
import type { Figure } from '../../src/result.js';

export type FallbackJob =
  | {
      readonly kind: 'decomposition';
      readonly setting: GaussianBatchSetting;
      readonly options: PldOptions;
      readonly epsilonAt?: number[];
      readonly deltaAt?: number[];
    }
  | {
      readonly kind: 'pld-lower';
      readonly setting: GaussianBatchSetting;
      readonly interval: number;
      readonly epsilonAt: number[];
      readonly deltaAt: number[];
    }
  /** the balls-and-bins accountant's epsilon at `delta` for flags (precision target or not) */
  | { readonly kind: 'accountant'; readonly flags: Record<string, number>; readonly delta: number };

export interface FallbackAnswer {
  readonly epsilon: (DecompositionFigure | number)[];
  readonly delta: (DecompositionFigure | number)[];
  readonly figure?: Figure;
}

await serve<FallbackJob, FallbackAnswer>(async (job) => {
  if (job.kind === 'decomposition') {
    const bound = decompositionBound(job.setting, job.options);
    return { epsilon: (job.epsilonAt ?? []).map((d) => bound.epsilon(d)), delta: (job.deltaAt ?? []).map((e) => bound.delta(e)) };
  }
  if (job.kind === 'accountant') {
    const plan = trainingPlan({ ...job.flags, sampler: 'balls-and-bins' }, { delta: job.delta });
    const figure = await ballsAndBinsPldAccountant.account(plan, { quantity: 'epsilon', delta: job.delta });
    return { epsilon: [], delta: [], figure };
  }
  const pld = randomAllocationAccount({ ...job.setting, interval: job.interval });
  return { epsilon: job.epsilonAt.map((d) => pld.remove.lowerEpsilon(d)), delta: job.deltaAt.map((e) => pld.remove.lowerDelta(e)) };
});
