/**
 * Truncated Poisson sampling (arXiv 2508.15089; dp_accounting's TruncatedSubsampledGaussianDpEvent): each
 * unit joins with probability q, and a batch larger than B is cut to B units chosen uniformly at random.
 *
 * Let m ~ Binomial(n - 1, q) be the number of other units sampled; whether m >= B does not depend on the
 * unit, so the step's pair is the mixture, with weight t = P(m >= B), of two pairs (revealing which applies
 * only helps an adversary, so the mixture of their PLDs dominates):
 * - m < B: nothing is cut and the unit is in with probability q: the Poisson pair of rate q, shift 1;
 * - m >= B: the unit survives the cut with probability q B / (m + 1) and then displaces another unit, a shift
 *   of up to 2 clip norms; given the cut batch the law of m is its law given m >= B, so the rate is the mean
 *   r = E[q B / (m + 1) | m >= B] = B P(Binomial(n, q) > B) / (n t).
 * The cut branch is accounted with the add/remove pairs at shift 2 (dp_accounting uses the replace-one pair
 * at shift 2, which dominates these and gives larger figures).
 */
import { binomialSf } from '../src/numeric/binomial.js';

/** Relative slack on t and r, against the user: both enter the bound monotonically (larger is worse). */
const ROUNDING_SLACK = 1e-9;

export interface TruncationWeights {
  /** t = P(Binomial(n - 1, q) >= B): probability that the batch is cut when the unit is sampled */
  readonly overflow: number;
  /** r: probability that the unit is in the batch, given that the batch was cut */
  readonly conditionalRate: number;
}

export function truncationWeights(q: number, datasetSize: number, maxBatchSize: number): TruncationWeights {
  const n = datasetSize;
  const B = maxBatchSize;
  if (q >= 1) return B >= n ? { overflow: 0, conditionalRate: 0 } : { overflow: 1, conditionalRate: Math.min(1, B / n) };
  const t = binomialSf(B, n - 1, q);
  if (t === 0) return { overflow: 0, conditionalRate: 0 };
  const r = (B * binomialSf(B + 1, n, q)) / (n * t);
  return {
    overflow: Math.min(1, t * (1 + ROUNDING_SLACK)),
    conditionalRate: Math.min(1, r * (1 + ROUNDING_SLACK)),
  };
}
