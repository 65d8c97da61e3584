/**
 * From single-step loss models to one composed, certified PLD, on grids chosen from the parameters.
 *
 * Connect-the-dots rounding of a step whose loss has standard deviation s costs about h^2/6 in variance
 * and h^2/12 in mean per step, so it is negligible when h <= c s (c = GRID_SPREAD_RATIO). DP-SGD steps with
 * small q have s far below the default interval 1e-4 (q = 1e-4, sigma = 0.8: s = 2e-4), which is why a
 * coarse grid overstates eps after 10^6 steps. So each stage is discretized on a grid fine enough for one
 * step (the default interval divided by a power of two), composed there in blocks of k steps until the
 * block is wide enough for the common grid, rounded again (connect-the-dots, still dominating) and
 * composed on the common grid. The common grid is the default interval, or a power of two times it when
 * the composed loss would not fit into MAX_FFT_SIZE points.
 *
 * Lower bounds come from the same computation: connect-the-dots is a randomized rounding L -> L' of each
 * loss with E[L' - L | L] in [0, mu(h)], mu(h) ~ h^2/8, and |L' - L| spread over one interval h. By the
 * Azuma-Hoeffding inequality the composed rounding error exceeds B + t with probability at most
 * exp(-2 t^2 / V), B = sum of mu(h), V = sum of h^2 over all roundings; hence
 *   delta_true(eps) >= delta_grid(eps + B + t) - exp(-2 t^2 / V) - (surplus mass) - (out-of-range mass).
 */
import { coarsen, type GridPmf } from './grid.js';
import { composeOptimistic, composeParts, MAX_FFT_SIZE, type Composition } from './compose.js';
import { coarsenOptimistic } from './optimistic.js';
import { lossTailLambda, tailWindow, upperTailLambda, type Part } from './chernoff.js';
import { discretizeStep, lossRangeWidth } from './discretize.js';
import { atomMoments, type LossModel } from './lossModels.js';

// bound once: global Math lookups are slow in hot loops under some module loaders (jest's vm)
const { ceil, expm1, floor, log, max, min, round, sqrt } = Math;

/** Interval at most this fraction of a step's loss standard deviation (see above). */
const GRID_SPREAD_RATIO = 1 / 16;
/** Finest grid: the default interval divided by at most 2^MAX_REFINE. */
const MAX_REFINE = 10;
/** Total tail mass (delta) booked against the user per side of each composition window. */
export const TAIL_BUDGET = 1e-18;
/**
 * Probability, summed over all steps, that a step's loss lies in the coarse upper tail of its grid (see
 * discretize.ts); it is subtracted from lower bounds on delta.
 */
const COARSE_TAIL_BUDGET = 1e-13;
/** Cost of a double-double FFT composition relative to a float64 one, for the work measure. */
const DOUBLE_DOUBLE_COST = 5;
/**
 * Steps left over after the blocks, as a share of the stage, that the optimistic twin may leave out (see
 * composeStages); more are composed as a block of their own.
 */
const DROPPED_REST = 1e-4;
/** Points of the rough single-step grid used to estimate windows. */
const ROUGH_POINTS = 1 << 18;

export interface StageModel {
  readonly model: LossModel;
  readonly steps: number;
}

export interface ComposedPld {
  /** dominates the true composed PLD: delta(eps) from it is an upper bound */
  readonly pmf: GridPmf;
  /** rounding bookkeeping for the lower bound */
  readonly roundingBias: number;
  readonly roundingSquares: number;
  /** probability that some step's loss fell outside its grid range, plus surplus mass of the computation */
  readonly slack: number;
  /** float64 rounding of the FFTs booked at +infinity (a delta below a few times this cannot be resolved) */
  readonly rounding: number;
  /**
   * optimistic twin (optimistic.ts), composed the same way: delta(eps) of `pmf` minus `slack` is a certified
   * lower bound on the true delta(eps)
   */
  readonly optimistic: { readonly pmf: GridPmf; readonly slack: number };
  /** what was done, for reports */
  readonly grids: readonly { label: string; interval: number; blockSteps: number; blocks: number }[];
  readonly finalInterval: number;
  /**
   * a machine-independent measure of the work done (20 per grid point discretized plus n log2 n per FFT
   * of n points, both twins), so that automatic grid refinement stops at the same grid on every machine
   */
  readonly work: number;
  /** how the compositions certified their float64 error per cell, when they did (compose.ts) */
  readonly certifiedBy?: readonly CertifiedBy[];
}

export type CertifiedBy = 'exponential tilting' | 'double-double arithmetic';

export type TiltTarget = { readonly delta: number } | { readonly epsilon: number };

export interface PipelineOptions {
  /** default grid interval (the --discretization flag) */
  readonly interval: number;
  readonly maxSize?: number;
  /** fine grids at most this fraction of a step's loss standard deviation (default GRID_SPREAD_RATIO) */
  readonly spreadRatio?: number;
  /**
   * compose with the float64 error certified per cell (convolution.ts): tilted toward the losses where
   * delta(eps) is about this delta, or toward this eps, or in double-double arithmetic where the tilt does not
   * fit (compose.ts); rounding then costs a tiny fraction of such a delta instead of about 1e-11 absolute, at
   * the price of a second composition
   */
  readonly tiltToward?: TiltTarget;
  /** with tiltToward: compose in double-double arithmetic even where a tilt fits (compose.ts) */
  readonly doubleDouble?: boolean;
}

/** Largest E[L' - L | L] of connect-the-dots at interval h: max over u in [0, h] of h(1-e^-u)/(1-e^-h) - u. */
export function roundingBias(h: number): number {
  const u = -log(-expm1(-h) / h);
  return max(0, (h * -expm1(-u)) / -expm1(-h) - u);
}

function stepMoments(model: LossModel): { mean: number; variance: number } {
  return model.type === 'discrete' ? atomMoments(model.atoms) : model.moments();
}

interface StagePlan {
  readonly stage: StageModel;
  readonly sd: number;
  fineInterval: number;
  /** the step on a grid 64 times coarser than the default, to estimate windows cheaply */
  readonly rough: GridPmf;
}

/** Steps of a stage composed on its fine grid before re-rounding onto the common grid. */
function blockSize(plan: StagePlan, finalInterval: number, ratio: number): number {
  const wanted = ceil((finalInterval / (ratio * max(plan.sd, 1e-300))) ** 2);
  return max(1, min(plan.stage.steps, wanted));
}

export function composeStages(stages: readonly StageModel[], options: PipelineOptions): ComposedPld {
  const maxSize = options.maxSize ?? MAX_FFT_SIZE;
  const h = options.interval;
  const ratio = options.spreadRatio ?? GRID_SPREAD_RATIO;
  const totalSteps = stages.reduce((s, x) => s + x.steps, 0);
  const stepTail = TAIL_BUDGET / max(1, totalSteps);

  const plans: StagePlan[] = stages.map((stage) => {
    const sd = sqrt(stepMoments(stage.model).variance);
    let fine = h;
    for (let r = 0; r < MAX_REFINE && fine > ratio * sd && sd > 0; r++) fine /= 2;
    // a finer grid than the step needs only when the step is narrow; never refine degenerate steps
    if (!(sd > 0)) fine = h;
    // the rough grid: 64 times the default interval, coarser still for steps with a huge loss range
    let roughInterval = 64 * h;
    const width = lossRangeWidth(stage.model, stepTail);
    while (width / roughInterval > ROUGH_POINTS) roughInterval *= 2;
    return { stage, sd, fineInterval: fine, rough: discretizeStep(stage.model, roughInterval, stepTail).pmf };
  });

  // common grid: the default interval, doubled until the composed window fits
  const finalInterval = commonInterval(plans, h, maxSize);
  // a block's window on its fine grid must fit too (heavy tails make it wide): coarsen the fine grid if not
  for (const plan of plans) {
    if (plan.fineInterval >= finalInterval) continue;
    const w = tailWindow([{ pmf: plan.rough, count: blockSize(plan, finalInterval, ratio) }], TAIL_BUDGET);
    while (plan.fineInterval < finalInterval && (w.high - w.low) / plan.fineInterval > maxSize / 4) plan.fineInterval *= 2;
  }
  const coarse = { interval: finalInterval, tail: COARSE_TAIL_BUDGET / max(1, totalSteps) };
  const discretized = plans.map((p) => discretizeStep(p.stage.model, p.fineInterval, stepTail, coarse, p.stage.steps));
  // one tilt for every composition: the Chernoff lambda of the whole composition's tail at that delta
  const target = options.tiltToward;
  const whole = () => plans.map((p) => ({ pmf: p.rough, count: p.stage.steps }));
  const tilt =
    target === undefined || options.doubleDouble
      ? undefined
      : 'delta' in target
        ? upperTailLambda(whole(), target.delta)
        : lossTailLambda(whole(), target.epsilon);
  const composeOptions = { tail: TAIL_BUDGET, maxSize, tilt, doubleDouble: target !== undefined && options.doubleDouble };
  // a double-double composition costs about DOUBLE_DOUBLE_COST float64 ones (whole compositions of 2^18 points
  // measured 2.6 to 3.1 times as long, the transforms alone about 6 times)
  const fftWork = (c: Composition) =>
    2 * c.size * Math.log2(Math.max(2, c.size)) * (c.certified !== undefined && 'doubleDouble' in c.certified ? DOUBLE_DOUBLE_COST : 1);
  // a grid point of a step costs about as much as 20 FFT butterflies (two tail evaluations, erfc and exp)
  let work = discretized.reduce((w, d) => w + 20 * d.pmf.masses.length * (d.cost ?? 1), 0);

  let roundingBias_ = 0;
  let roundingSquares = 0;
  let slack = 0;
  let rounding = 0;
  let optimisticSlack = 0;
  const parts: Part[] = [];
  const optimisticParts: Part[] = [];
  const grids: ComposedPld['grids'][number][] = [];
  const certifiedBy = new Set<CertifiedBy>();
  const noteCertified = (c: Composition) => {
    if (c.certified !== undefined) certifiedBy.add('tilt' in c.certified ? 'exponential tilting' : 'double-double arithmetic');
  };
  plans.forEach((plan, index) => {
    const { stage } = plan;
    const step = discretized[index];
    slack += stage.steps * step.outOfRange;
    roundingBias_ += stage.steps * roundingBias(plan.fineInterval);
    roundingSquares += stage.steps * plan.fineInterval ** 2;
    const factor = round(finalInterval / plan.fineInterval);
    if (factor === 1) {
      parts.push({ pmf: step.pmf, count: stage.steps });
      optimisticParts.push({ pmf: step.optimistic, count: stage.steps });
      grids.push({ label: stage.model.label, interval: plan.fineInterval, blockSteps: 1, blocks: stage.steps });
      return;
    }
    // block size: enough steps that the block's spread is wide against the common grid
    const block = blockSize(plan, finalInterval, ratio);
    const blocks = floor(stage.steps / block);
    const rest = stage.steps - blocks * block;
    const blockPld = composeParts([{ pmf: step.pmf, count: block }], composeOptions);
    noteCertified(blockPld);
    work += fftWork(blockPld);
    parts.push({ pmf: coarsen(blockPld.pmf, factor), count: blocks });
    slack += blocks * blockPld.surplus;
    const blockOptimistic = composeOptimistic([{ pmf: step.optimistic, count: block }], blockPld.window, blockPld.certified);
    optimisticParts.push({ pmf: coarsenOptimistic(blockOptimistic.pmf, factor), count: blocks });
    optimisticSlack += blocks * blockOptimistic.slack;
    rounding += blocks * blockPld.rounding;
    let roundings = blocks;
    if (rest > 0 && rest * block <= stage.steps / 100 && rest <= stage.steps * DROPPED_REST) {
      // a few steps left over: rounded onto the common grid one by one, which inflates the composed
      // variance by about (rest * block / steps) * GRID_SPREAD_RATIO^2 / 6 relative: negligible here.
      // The optimistic twin leaves them out (fewer steps compose to a smaller delta(eps), so it stays a lower
      // bound): rounded optimistically one by one, a step with a hard edge loses a good part of a coarse
      // cell (q = 1e-4, sigma 0.8, h = 16 fine cells: 1.6e-5 of mean loss per step, 60 steps 1e-3 in eps
      // after 10^6 steps), far more than the 60 / 10^6 of the composition that leaving them out costs.
      parts.push({ pmf: coarsen(step.pmf, factor), count: rest });
      roundings += rest;
    } else if (rest > 0) {
      // many left over: they form a smaller block of their own, composed on the fine grid
      const restPld = composeParts([{ pmf: step.pmf, count: rest }], composeOptions);
      noteCertified(restPld);
      work += fftWork(restPld);
      parts.push({ pmf: coarsen(restPld.pmf, factor), count: 1 });
      slack += restPld.surplus;
      const restOptimistic = composeOptimistic([{ pmf: step.optimistic, count: rest }], restPld.window, restPld.certified);
      optimisticParts.push({ pmf: coarsenOptimistic(restOptimistic.pmf, factor), count: 1 });
      optimisticSlack += restOptimistic.slack;
      rounding += restPld.rounding;
      roundings += 1;
    }
    roundingBias_ += roundings * roundingBias(finalInterval);
    roundingSquares += roundings * finalInterval ** 2;
    grids.push({ label: stage.model.label, interval: plan.fineInterval, blockSteps: block, blocks });
  });
  const composed = composeParts(parts, composeOptions);
  noteCertified(composed);
  work += fftWork(composed);
  slack += composed.surplus;
  rounding += composed.rounding;
  const optimistic = composeOptimistic(optimisticParts, composed.window, composed.certified);
  return {
    pmf: composed.pmf,
    optimistic: { pmf: optimistic.pmf, slack: optimisticSlack + optimistic.slack },
    roundingBias: roundingBias_,
    roundingSquares,
    slack,
    rounding,
    grids,
    finalInterval,
    work,
    ...(certifiedBy.size > 0 ? { certifiedBy: [...certifiedBy] } : {}),
  };
}

/** The default interval times the smallest power of two at which the composed loss fits the FFT size. */
function commonInterval(plans: readonly StagePlan[], h: number, maxSize: number): number {
  // estimate the composed window from the single steps on the rough grid (cheap, and close enough)
  const w = tailWindow(
    plans.map((p) => ({ pmf: p.rough, count: p.stage.steps })),
    TAIL_BUDGET,
  );
  let interval = h;
  // keep a margin of 2 for the block roundings, which widen the window slightly
  while ((w.high - w.low) / interval + 2 > maxSize / 2) interval *= 2;
  return interval;
}
