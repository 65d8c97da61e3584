/**
 * Balls-and-bins (BNB, Chua et al. 2025) under the accountant contract: each unit joins one uniformly random
 * batch per epoch. The Monte Carlo figure is an `estimate` (it holds with probability >= confidence over the
 * sampling), with the certified lower bound (max-statistic construction) and, for epsilon, the certified
 * upper bound beside it. When the samples cannot resolve epsilon, the headline falls back to the certified
 * upper bound and the notes say how many samples would resolve it.
 */
import { AccountingError } from '../../src/errors.js';
import { gaussianBatchStage, type AccountingPlan, type Query } from '../../src/plan.js';
import type { Figure } from '../../src/result.js';
import type { Accountant, AccountOptions } from '../contract.js';

/** The Monte Carlo setting of the plan's one balls-and-bins stage. */
function monteCarloRun(plan: AccountingPlan, options: AccountOptions) {
  const s = gaussianBatchStage(plan, 'balls-and-bins');
  if (typeof s === 'string') throw new AccountingError(s);
  const mc = plan.accountant.monteCarlo;
  const setting = {
    ...s,
    samples: mc.samples,
    seed: mc.seed,
    confidence: mc.confidence,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  const confidenceWords = `with probability at least ${mc.confidence} over the sampling (seed ${mc.seed}, ${mc.samples} samples per direction)`;
  return { setting, confidenceWords };
}

async function epsilonFigure(plan: AccountingPlan, delta: number, options: AccountOptions): Promise<Figure> {
  const { setting, confidenceWords } = monteCarloRun(plan, options);
  const { ballsAndBinsEpsilon } = await import('./index.js');
  const r = await ballsAndBinsEpsilon({ ...setting, delta });
  const details = { method: r.method, confidence: r.confidence, resolved: r.resolved, meanEpsilon: r.meanEpsilon, ...(r.suggestedSamples ? { suggestedSamples: r.suggestedSamples } : {}), ...r.details };
  if (r.resolved && r.epsilon !== null)
    return {
      value: r.epsilon,
      kind: 'estimate',
      lower: r.lower,
      upper: r.upper,
      details,
      notes: [`Monte Carlo estimate: epsilon is at most this ${confidenceWords}; not a certified bound.`],
    };
  return {
    value: r.upper,
    kind: 'upper',
    lower: r.lower,
    upper: r.upper,
    details,
    notes: [
      `Monte Carlo could not resolve epsilon at delta = ${delta}: ${r.reason ?? 'not enough samples'}.` +
        (r.suggestedSamples ? ` About ${r.suggestedSamples} samples (--samples) would.` : ''),
      'The figure shown is the certified upper bound (deterministic batches, joint convexity), not the Monte Carlo estimate.',
    ],
  };
}

/** delta at each epsilon: one Monte Carlo run shared by all of them. */
async function deltaFigures(plan: AccountingPlan, epsilons: readonly number[], options: AccountOptions): Promise<Figure[]> {
  const { setting, confidenceWords } = monteCarloRun(plan, options);
  const { ballsAndBinsDelta } = await import('./index.js');
  const r = await ballsAndBinsDelta({ ...setting, epsilons });
  return epsilons.map((epsilon, i) => {
    const e = r.estimates[i];
    const notes = [`Monte Carlo estimate: delta is at most this ${confidenceWords}; not a certified bound.`];
    if (!e.resolved)
      notes.push(
        `The samples do not resolve delta at epsilon = ${epsilon} (${e.mean === 0 ? 'no sample exceeded it' : 'the upper confidence bound is more than twice the mean'}); ` +
          `the figure reflects the sample count more than the distribution.${e.suggestedSamples ? ` About ${e.suggestedSamples} samples (--samples) would resolve it.` : ''}`,
      );
    return {
      value: e.ucb,
      kind: 'estimate' as const,
      lower: e.lower,
      details: { method: r.method, confidence: r.confidence, resolved: e.resolved, mean: e.mean, remove: e.remove, add: e.add, ...(e.suggestedSamples ? { suggestedSamples: e.suggestedSamples } : {}), ...r.details },
      notes,
    };
  });
}

export const ballsAndBinsAccountant: Accountant = {
  name: 'balls-and-bins',
  compareAs: { sampler: 'balls-and-bins', monteCarlo: true },
  supports(plan) {
    const s = gaussianBatchStage(plan, 'balls-and-bins');
    return typeof s === 'string' ? s : true;
  },
  describe: (plan) => ({ name: 'balls-and-bins monte carlo', settings: { ...plan.accountant.monteCarlo, adjacency: plan.adjacency } }),
  async account(plan, query, options = {}) {
    if (query.quantity === 'epsilon') return epsilonFigure(plan, query.delta, options);
    return (await deltaFigures(plan, [query.epsilon], options))[0];
  },
  async accountMany(plan, queries: readonly Query[], options = {}) {
    if (queries.every((q) => q.quantity === 'delta'))
      return deltaFigures(plan, queries.map((q) => (q as { epsilon: number }).epsilon), options);
    const figures: Figure[] = [];
    for (const q of queries) figures.push(await this.account(plan, q, options));
    return figures;
  },
};
