/**
 * Balls-and-bins figures for test/ballsAndBinsFallbacks.test.ts in plain node (see test/helpers/plainNode.ts):
 * the decomposition bound (its Poisson PLD is the costly part) and the default PLD's certified lower bounds.
 */
import { decompositionBound, type DecompositionFigure } from '../../accountants/ballsAndBins/decomposition.js';
import type { PldOptions } from '../../accountants/pld.js';
import type { GaussianBatchSetting } from '../../src/plan.js';
import { randomAllocationAccount } from '../../src/pld/randomAllocation.js';
import { serve } from './serve.js';

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
    };

export interface FallbackAnswer {
  readonly epsilon: (DecompositionFigure | number)[];
  readonly delta: (DecompositionFigure | number)[];
}

await serve<FallbackJob, FallbackAnswer>((job) => {
  if (job.kind === 'decomposition') {
    const bound = decompositionBound(job.setting, job.options);
    return { epsilon: (job.epsilonAt ?? []).map((d) => bound.epsilon(d)), delta: (job.deltaAt ?? []).map((e) => bound.delta(e)) };
  }
  const pld = randomAllocationAccount({ ...job.setting, interval: job.interval });
  return { epsilon: job.epsilonAt.map((d) => pld.remove.lowerEpsilon(d)), delta: job.deltaAt.map((e) => pld.remove.lowerDelta(e)) };
});
