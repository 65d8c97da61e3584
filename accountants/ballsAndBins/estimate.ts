/** From a job's totals to one direction's estimate at one eps: mean, KL upper confidence bound, standard error. */
import type { BatchTotals } from './accumulator.js';
import { klUpperConfidenceBound } from './klBound.js';

/** One direction's estimate at one eps (kind 'estimate'). */
export interface DirectionEstimate {
  readonly mean: number;
  /** upper confidence bound at the requested confidence */
  readonly ucb: number;
  /** samples whose loss exceeded eps */
  readonly hits: number;
  readonly standardError: number;
  /**
   * probability of the sampled region (importance sampling): a certified upper bound on this direction's delta,
   * and the factor between the per-sample rate and delta. 1 for order statistics.
   */
  readonly regionMass: number;
  /**
   * false when this direction was not sampled: for one epoch its region mass (a certified upper bound on its delta)
   * is at most the certified lower bound on the max over both directions, so max(other direction's ucb,
   * regionMass) still bounds that max. Then `ucb` = `regionMass`, and `mean` is 0 (not estimated).
   */
  readonly sampled: boolean;
}

/**
 * Estimate at slot k of a job's totals: terms are in [0, 1] and are multiplied by `scale` (the importance region's
 * probability, or 1); the upper bound holds with probability at least 1 - beta (klBound.ts).
 */
export function directionEstimate(totals: BatchTotals, k: number, scale: number, beta: number): DirectionEstimate {
  const n = totals.samples;
  const rate = Math.min(1, totals.sums[k] / n);
  const variance = n > 1 ? (Math.max(0, totals.sumSquares[k] / n - rate * rate) * n) / (n - 1) : 0;
  return {
    mean: scale * rate,
    ucb: scale * klUpperConfidenceBound({ mean: rate, samples: n, failureProbability: beta }),
    hits: totals.hits[k],
    standardError: scale * Math.sqrt(variance / n),
    regionMass: scale,
    sampled: true,
  };
}
