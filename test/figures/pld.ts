/**
 * PLD figures for the heavy reference tier (see test/helpers/plainNode.ts): each job is one plan composed
 * once and queried at several points, exactly as the tests would call the accountant themselves.
 */
import { pldAccountant, type PldFigure, type PldOptions } from '../../accountants/pld.js';
import type { Stage } from '../../src/mechanism.js';
import { serve } from './serve.js';

export interface PldJob {
  readonly stages: Stage[];
  readonly options?: PldOptions;
  /** deltas at which to report epsilon */
  readonly epsilonAt?: number[];
  /** epsilons at which to report delta */
  readonly deltaAt?: number[];
}

export interface PldAnswer {
  readonly epsilon: PldFigure[];
  readonly delta: PldFigure[];
}

await serve<PldJob, PldAnswer>((job) => {
  const accountant = pldAccountant(job.stages, job.options);
  return {
    epsilon: (job.epsilonAt ?? []).map((d) => accountant.epsilon(d)),
    delta: (job.deltaAt ?? []).map((e) => accountant.delta(e)),
  };
});
