/**
 * Balls-and-bins (BNB, Chua et al. 2025) under the accountant contract: each unit joins one uniformly random
 * batch per epoch. The Monte Carlo figure is an `estimate` (it holds with probability >= confidence over the
 * sampling), with the certified lower bound (max-statistic construction) and, for epsilon, the certified
 * upper bound beside it. When the samples cannot resolve epsilon, the headline falls back to the certified
 * upper bound and the notes say how many samples would resolve it.
 */
import { AccountingError } from '../../src/errors.js';
import { gaussianBatchStage, gaussianSensitivity, type AccountingPlan, type Query } from '../../src/plan.js';
import { calibrateIncreasing } from '../../src/calibrate.js';
import { deterministicNoiseMultiplier } from '../deterministic.js';
import type { Figure } from '../../src/result.js';
import type { Accountant, AccountOptions } from '../contract.js';
import { formatInput } from '../../src/numeric/format.js';

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
    ...(mc.costLimitSeconds !== undefined ? { costLimitSeconds: mc.costLimitSeconds } : {}),
    ...(mc.maxSeconds !== undefined ? { maxSeconds: mc.maxSeconds } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  const confidenceWords = `with probability at least ${formatInput(mc.confidence)} over the sampling (seed ${mc.seed}, ${formatInput(mc.samples)} samples per direction)`;
  return { setting, confidenceWords };
}

async function epsilonFigure(plan: AccountingPlan, delta: number, options: AccountOptions): Promise<Figure> {
  const { setting, confidenceWords } = monteCarloRun(plan, options);
  const { ballsAndBinsEpsilon } = await import('./index.js');
  const r = await ballsAndBinsEpsilon({ ...setting, delta });
  const details = {
    method: r.method,
    confidence: r.confidence,
    resolved: r.resolved,
    meanEpsilon: r.meanEpsilon,
    ...(r.suggestedSamples ? { suggestedSamples: r.suggestedSamples } : {}),
    ...r.details,
  };
  const stopped = stoppedNotes(r.details, plan.accountant.monteCarlo);
  if (r.resolved && r.epsilon !== null)
    return {
      value: r.epsilon,
      kind: 'estimate',
      lower: r.lower,
      upper: r.upper,
      details,
      notes: [`Monte Carlo estimate: epsilon is at most this ${confidenceWords}; not a certified bound.`, ...stopped],
    };
  return {
    value: r.upper,
    kind: 'upper',
    lower: r.lower,
    upper: r.upper,
    details,
    notes: [
      `Monte Carlo could not resolve epsilon at delta = ${formatInput(delta)}: ${r.reason ?? 'not enough samples'}.` +
        (r.suggestedSamples ? ` About ${formatInput(r.suggestedSamples)} samples (accountant.samples) would.` : ''),
      'The figure shown is the certified upper bound (deterministic batches, joint convexity), not the Monte Carlo estimate.',
      ...stopped,
    ],
  };
}

/** Says that the time limit ended sampling, and how far it got (details.stoppedAtSamples of the run). */
function stoppedNotes(details: Readonly<Record<string, unknown>>, mc: AccountingPlan['accountant']['monteCarlo']): string[] {
  const reached = details.stoppedAtSamples;
  if (typeof reached !== 'number') return [];
  return [
    `Sampling stopped at the time limit (${formatInput(mc.maxSeconds!)} s) after ${formatInput(reached)} of ${formatInput(mc.samples)} samples per direction; ` +
      'the figure is what those samples give (its confidence statement holds for them).',
  ];
}

/** delta at each epsilon: one Monte Carlo run shared by all of them. */
async function deltaFigures(plan: AccountingPlan, epsilons: readonly number[], options: AccountOptions): Promise<Figure[]> {
  const { setting, confidenceWords } = monteCarloRun(plan, options);
  const { ballsAndBinsDelta } = await import('./index.js');
  const r = await ballsAndBinsDelta({ ...setting, epsilons });
  return epsilons.map((epsilon, i) => {
    const e = r.estimates[i];
    const notes = [
      `Monte Carlo estimate: delta is at most this ${confidenceWords}; not a certified bound.`,
      ...stoppedNotes(r.details, plan.accountant.monteCarlo),
    ];
    if (!e.resolved)
      notes.push(
        `The samples do not resolve delta at epsilon = ${formatInput(epsilon)} (${e.mean === 0 ? 'no sample exceeded it' : 'the upper confidence bound is more than twice the mean'}); ` +
          `the figure reflects the sample count more than the distribution.${e.suggestedSamples ? ` About ${formatInput(e.suggestedSamples)} samples (accountant.samples) would resolve it.` : ''}`,
      );
    return {
      value: e.ucb,
      kind: 'estimate' as const,
      lower: e.lower,
      details: {
        method: r.method,
        confidence: r.confidence,
        resolved: e.resolved,
        mean: e.mean,
        remove: e.remove,
        add: e.add,
        ...(e.suggestedSamples ? { suggestedSamples: e.suggestedSamples } : {}),
        ...r.details,
      },
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
      return deltaFigures(
        plan,
        queries.map((q) => (q as { epsilon: number }).epsilon),
        options,
      );
    const figures: Figure[] = [];
    for (const q of queries) figures.push(await this.account(plan, q, options));
    return figures;
  },
  /**
   * From certified bounds only (no Monte Carlo):
   * - necessary: the largest sigma whose certified lower bound on delta at the target epsilon (max-statistic
   *   construction, BNB Sec. 4) still exceeds the target delta; any smaller sigma fails the target;
   * - sufficient: deterministic batches' sigma (a Gaussian at sigma/sqrt(E) dominates balls-and-bins by joint
   *   convexity), given in the notes.
   * The headline is the necessary sigma: the truth lies between the two.
   */
  async calibrateNoise(plan, target) {
    const s = gaussianBatchStage(plan, 'balls-and-bins');
    if (typeof s === 'string') throw new AccountingError(s);
    const { ballsAndBinsDeltaLowerBounds, ballsAndBinsEpsilonLowerBound } = await import('./lowerBound.js');
    const { epsilon, delta } = target;
    const scale = gaussianSensitivity(plan);
    const setting = (sigma: number) => ({ noiseMultiplier: sigma / scale, steps: s.stepsPerEpoch, epochs: s.epochs });
    const sufficient = scale * deterministicNoiseMultiplier({ epochs: s.epochs, epsilon, delta }).value;
    // the lower bound falls as sigma grows; find the largest sigma where it still exceeds the target
    const above = delta * (1 + 4 * Number.EPSILON);
    const found = calibrateIncreasing({
      figure: (sigma) => -ballsAndBinsDeltaLowerBounds({ ...setting(sigma), epsilons: [epsilon] })[0],
      target: -above,
      lo: sufficient / 2,
      hi: sufficient,
      min: 1e-3,
      max: sufficient,
      relTol: 1e-4,
      name: 'noise multiplier',
    });
    const lower = ballsAndBinsEpsilonLowerBound({ ...setting(found.value), delta });
    return {
      value: found.value,
      guarantee: 'necessary',
      evaluations: found.evaluations,
      at: {
        figure: { value: lower, kind: 'lower', lower, details: {} },
        accountant: { name: 'balls-and-bins lower bound', settings: { adjacency: plan.adjacency } },
      },
      notes: [
        `Balls-and-bins: calibrated from a certified lower bound, so this sigma is necessary (any smaller one fails the target).`,
        `A sufficient sigma (certified: deterministic batches dominate balls-and-bins) is ${sufficient}; the truth lies between. ` +
          'Check a candidate sigma with a Monte Carlo estimate of its epsilon (the balls-and-bins sampler with a sample count).',
      ],
    };
  },
};
