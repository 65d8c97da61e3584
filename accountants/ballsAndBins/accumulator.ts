/**
 * Per-batch sums of hockey-stick terms (1 - e^(eps - loss))_+ for several eps at once (samples shared across eps).
 */

// Math functions are bound once here: under jest (a vm context) every global lookup such as `Math` costs about
// a microsecond, which made the sampling loops tens of times slower in tests. Same functions, same results.
const { expm1 } = Math;

/** Sums over one batch (or a run of batches), one slot per eps of the job. */
export interface BatchTotals {
  readonly samples: number;
  /** sum of the terms (each in [0, 1]) */
  readonly sums: Float64Array;
  /** sum of the squared terms (for a standard error) */
  readonly sumSquares: Float64Array;
  /** number of samples with loss > eps */
  readonly hits: Float64Array;
}

/** Accumulates terms for eps values sorted ascending (the loop stops at the first eps the loss does not exceed). */
export class HockeyStickAccumulator {
  private readonly sums: Float64Array;
  private readonly sumSquares: Float64Array;
  private readonly hits: Float64Array;
  private count = 0;

  constructor(private readonly epsilons: Float64Array) {
    for (let k = 1; k < epsilons.length; k++) {
      if (!(epsilons[k] >= epsilons[k - 1])) throw new RangeError('HockeyStickAccumulator: epsilons must be ascending');
    }
    this.sums = new Float64Array(epsilons.length);
    this.sumSquares = new Float64Array(epsilons.length);
    this.hits = new Float64Array(epsilons.length);
  }

  add(loss: number): void {
    this.count++;
    const eps = this.epsilons;
    for (let k = 0; k < eps.length; k++) {
      if (!(loss > eps[k])) break;
      const term = -expm1(eps[k] - loss);
      this.sums[k] += term;
      this.sumSquares[k] += term * term;
      this.hits[k]++;
    }
  }

  totals(): BatchTotals {
    return { samples: this.count, sums: this.sums, sumSquares: this.sumSquares, hits: this.hits };
  }
}
