/**
 * Balls-and-bins sampling (BNB: Chua et al., AISTATS 2025): Monte Carlo estimates of delta(eps) and eps(delta) for
 * the dominating pair of shared/design/accounting.md section 4, with one-sided upper confidence bounds, beside the
 * certified max-statistic lower bound.
 *
 * Every Monte Carlo figure is kind 'estimate': with probability at least `confidence` (over the sampling) the true
 * delta is at most `ucb`. The bound is the exact Chernoff/KL inversion for [0, 1]-valued terms (klBound.ts), not
 * a normal approximation. It cannot certify a delta much below ln(1/beta)/samples (times the importance region's
 * mass): such figures come back with `resolved: false` and a suggested sample count instead.
 *
 * Estimators (per direction, remove = (P || Q), add = (Q || P); the figure is the larger of the two):
 * - 'importance' (one epoch): samples only the region where the loss can exceed eps (importanceSampling.ts). eps
 *   values whose regions have masses within a factor 2 share one sampling pass (the region of the smallest eps).
 * - 'order-statistics' (any number of epochs): upper-biased by construction (orderStatistics.ts); all eps share
 *   the samples.
 * - 'auto': importance for one epoch, order statistics otherwise.
 *
 * Reproducibility: the numbers depend only on the inputs and `seed` (rng.ts), not on the machine or on `workers`.
 */
import { InputError } from '../../src/errors.js';
import { analyticGaussianEpsilon } from '../deterministic.js';
import { addRegionMass, removeRegionMass } from './dominatingPair.js';
import { importanceRegionMass } from './importanceSampling.js';
import { availableParallelism } from 'node:os';
import { batchSizeFor, jobCost, jobScale, type JobSpec } from './jobs.js';
import { directionEstimate, type DirectionEstimate } from './estimate.js';
import { klLowerConfidenceBound, samplesToResolve } from './klBound.js';
import { ballsAndBinsLowerBounds } from './lowerBound.js';
import { defaultRanks, validateRanks } from './orderStatistics.js';
import { runJobs } from './pool.js';
import { streamKeyOf } from '../../src/numeric/rng.js';
import { bisect } from '../../src/numeric/rootFinder.js';
import { formatInput, formatNumber } from '../../src/numeric/format.js';

export type { DirectionEstimate } from './estimate.js';
export type BallsAndBinsMethod = 'importance' | 'order-statistics' | 'auto';
type Direction = 'remove' | 'add';
const DIRECTIONS: readonly Direction[] = ['remove', 'add'];

export interface BallsAndBinsSetting {
  /** sigma > 0 */
  readonly noiseMultiplier: number;
  /** T: batches per epoch (each example lands in one of them uniformly at random, fresh each epoch) */
  readonly stepsPerEpoch: number;
  /** E >= 1 */
  readonly epochs: number;
  /** Monte Carlo samples per direction (per sampling pass) */
  readonly samples: number;
  /** integer in [0, 2^53) */
  readonly seed: number;
  /** probability that the upper confidence bounds hold; default 0.99 (failure probability beta = 1 - confidence) */
  readonly confidence?: number;
  /** default 'auto' */
  readonly method?: BallsAndBinsMethod;
  /**
   * order statistics: ascending ranks (1 = largest coordinate) bounding the loss; default: every rank below 100,
   * steps of 10 to 500, of 50 to 1000, then 5% (orderStatistics.ts). The remove direction uses those <= T - 1.
   */
  readonly ranks?: readonly number[];
  /** worker threads; 0 = in this thread; default os.availableParallelism() (see pool.ts) */
  readonly workers?: number;
  /** progress in samples over the whole call */
  readonly onProgress?: (done: number, total: number) => void;
  /** refuse (InputError on `samples`) when the estimated run time exceeds this many seconds; default 600 */
  readonly costLimitSeconds?: number;
  /** stop sampling after this many seconds and report what the samples drawn by then give (details.stopped) */
  readonly maxSeconds?: number;
}

export interface DeltaEstimate {
  readonly epsilon: number;
  readonly kind: 'estimate';
  readonly remove: DirectionEstimate;
  readonly add: DirectionEstimate;
  /** max of the two directions' means */
  readonly mean: number;
  /** max of the two directions' upper confidence bounds */
  readonly ucb: number;
  /** certified lower bound on delta (max-statistic construction), kind 'lower' */
  readonly lower: number;
  /** false when the samples cannot pin delta down: no hits, or the upper bound more than twice the mean */
  readonly resolved: boolean;
  /** when not resolved: about how many samples would resolve it */
  readonly suggestedSamples?: number;
}

export interface BallsAndBinsDeltaResult {
  readonly kind: 'estimate';
  readonly method: 'importance' | 'order-statistics';
  readonly confidence: number;
  readonly samples: number;
  readonly seed: number;
  /** one per requested eps, in the order given */
  readonly estimates: readonly DeltaEstimate[];
  readonly details: Readonly<Record<string, unknown>>;
}

export interface BallsAndBinsEpsilonResult {
  readonly kind: 'estimate';
  readonly method: 'importance' | 'order-statistics';
  readonly delta: number;
  readonly confidence: number;
  /**
   * smallest eps of the evaluation grid whose upper confidence bound on delta is <= delta (and not below `lower`):
   * with probability at least `confidence` the true eps(delta) is not larger. null when not resolved.
   */
  readonly epsilon: number | null;
  /** smallest grid eps whose mean estimate is <= delta (a point estimate, not conservative); null if none */
  readonly meanEpsilon: number | null;
  /**
   * false when no grid eps has an upper confidence bound <= delta, or when at the one found the direction that sets
   * the bound had no hits (the bound then reflects the sample count, not the distribution)
   */
  readonly resolved: boolean;
  /** why not resolved, in words */
  readonly reason?: string;
  readonly suggestedSamples?: number;
  /** certified lower bound on eps (max-statistic construction) */
  readonly lower: number;
  /** certified upper bound on eps: deterministic batches' Gaussian (joint convexity), and region masses for E = 1 */
  readonly upper: number;
  /** the delta estimate at the reported eps (or at the last grid point when none qualifies) */
  readonly at: DeltaEstimate;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Upper bound / mean above this ratio counts as not resolved. */
const RESOLUTION_RATIO = 2;

// ---------------------------------------------------------------------------------------------------------
// validation

interface Normalized {
  readonly sigma: number;
  readonly steps: number;
  readonly epochs: number;
  readonly samples: number;
  readonly seed: number;
  readonly confidence: number;
  readonly beta: number;
  readonly method: 'importance' | 'order-statistics';
  readonly ranks: { readonly remove: readonly number[]; readonly add: readonly number[] };
  readonly workers?: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly costLimitSeconds: number;
  /** Date.now() after which sampling stops (maxSeconds from the start of the call) */
  readonly deadline?: number;
}

/** Default refusal threshold of the cost estimate, in seconds. */
export const DEFAULT_COST_LIMIT_SECONDS = 600;
/**
 * Coordinate draws per second and worker used for the estimate: about what bench/ballsAndBins.ts measures on
 * one core (1-1.5e7 for importance sampling, 0.9e7 for order statistics), rounded down so the estimate errs long.
 */
const DRAWS_PER_SECOND = 8e6;

/** The estimated work of a call before it starts: coordinate draws over both directions, and seconds. */
export interface BallsAndBinsCost {
  readonly draws: number;
  readonly seconds: number;
  readonly workers: number;
}

/** Estimated cost of ballsAndBinsEpsilon (query 'epsilon': pilot and main pass) or ballsAndBinsDelta. */
export function ballsAndBinsCost(o: BallsAndBinsSetting, query: 'epsilon' | 'delta'): BallsAndBinsCost {
  return costOf(normalize(o), query);
}

function costOf(n: Normalized, query: 'epsilon' | 'delta'): BallsAndBinsCost {
  const passes = query === 'epsilon' ? n.samples + pilotSamplesOf(n.samples) : n.samples;
  let draws = 0;
  for (const direction of DIRECTIONS) {
    draws += passes * jobCost({ method: n.method, steps: n.steps, epochs: n.epochs, ranks: n.ranks[direction] });
  }
  const workers = Math.max(1, n.workers ?? availableParallelism());
  return { draws, seconds: draws / (DRAWS_PER_SECOND * workers), workers };
}

function pilotSamplesOf(samples: number): number {
  return Math.min(samples, Math.max(1000, Math.ceil(samples / 8)));
}

/** Refuses a run whose estimated time exceeds the cost limit, with the estimate. */
function checkCost(n: Normalized, query: 'epsilon' | 'delta'): void {
  const cost = costOf(n, query);
  if (cost.seconds <= n.costLimitSeconds) return;
  throw new InputError(
    'accountant.samples',
    `a Monte Carlo run within the cost limit of ${shortNumber(n.costLimitSeconds)} s ` +
      `(${shortNumber(n.samples)} samples per direction would take about ${shortDuration(cost.seconds)} on ${cost.workers} ` +
      `worker${cost.workers === 1 ? '' : 's'}: ${shortNumber(cost.draws)} Gaussian draws); use fewer samples or raise accountant.costLimitSeconds`,
    n.samples,
  );
}

function shortNumber(x: number): string {
  return x < 1e6 && Number.isInteger(x) ? String(x) : x.toPrecision(2).replace('e+', 'e');
}

function shortDuration(seconds: number): string {
  if (seconds < 120) return `${Math.ceil(seconds)} s`;
  if (seconds < 7200) return `${Math.ceil(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.ceil(seconds / 3600)} h`;
  if (seconds < 3.2e9) return `${shortNumber(Math.ceil(seconds / 86400))} days`;
  return `${shortNumber(seconds / 3.15e7)} years`;
}

function normalize(o: BallsAndBinsSetting): Normalized {
  if (!(typeof o.noiseMultiplier === 'number' && Number.isFinite(o.noiseMultiplier) && o.noiseMultiplier > 0)) {
    throw new InputError('noiseMultiplier', 'a finite number > 0', o.noiseMultiplier);
  }
  if (!(Number.isSafeInteger(o.stepsPerEpoch) && o.stepsPerEpoch >= 1)) {
    throw new InputError('stepsPerEpoch', 'an integer >= 1', o.stepsPerEpoch);
  }
  if (!(Number.isSafeInteger(o.epochs) && o.epochs >= 1)) throw new InputError('epochs', 'an integer >= 1', o.epochs);
  if (!(Number.isSafeInteger(o.samples) && o.samples >= 1)) throw new InputError('samples', 'an integer >= 1', o.samples);
  if (!(Number.isSafeInteger(o.seed) && o.seed >= 0)) throw new InputError('seed', 'an integer in [0, 2^53)', o.seed);
  const confidence = o.confidence ?? 0.99;
  if (!(confidence > 0 && confidence < 1)) throw new InputError('confidence', 'a number in (0, 1)', o.confidence);
  if (o.workers !== undefined && !(Number.isSafeInteger(o.workers) && o.workers >= 0)) {
    throw new InputError('workers', 'an integer >= 0', o.workers);
  }
  const requested = o.method ?? 'auto';
  if (!['importance', 'order-statistics', 'auto'].includes(requested)) {
    throw new InputError('method', "'importance', 'order-statistics' or 'auto'", requested);
  }
  if (requested === 'importance' && o.epochs !== 1) {
    throw new InputError('method', "'order-statistics' or 'auto' when epochs > 1 (importance sampling is for one epoch)", requested);
  }
  const costLimitSeconds = o.costLimitSeconds ?? DEFAULT_COST_LIMIT_SECONDS;
  if (!(costLimitSeconds > 0)) throw new InputError('costLimitSeconds', 'a number > 0', o.costLimitSeconds);
  if (o.maxSeconds !== undefined && !(o.maxSeconds > 0)) throw new InputError('maxSeconds', 'a number > 0', o.maxSeconds);
  const method = requested === 'auto' ? (o.epochs === 1 ? 'importance' : 'order-statistics') : requested;
  const T = o.stepsPerEpoch;
  const ranks = o.ranks
    ? { remove: o.ranks.filter((r) => r <= T - 1), add: [...o.ranks] }
    : { remove: defaultRanks(T - 1), add: defaultRanks(T) };
  if (method === 'order-statistics') {
    for (const direction of DIRECTIONS) {
      try {
        validateRanks({ direction, steps: T, ranks: ranks[direction] });
      } catch (error) {
        throw new InputError('ranks', `ascending integers in [1, ${T}] starting at 1 (${(error as Error).message})`, o.ranks);
      }
    }
  }
  return {
    sigma: o.noiseMultiplier,
    steps: T,
    epochs: o.epochs,
    samples: o.samples,
    seed: o.seed,
    confidence,
    beta: 1 - confidence,
    method,
    ranks,
    workers: o.workers,
    onProgress: o.onProgress,
    costLimitSeconds,
    ...(o.maxSeconds !== undefined ? { deadline: Date.now() + 1000 * o.maxSeconds } : {}),
  };
}

function checkEpsilons(epsilons: readonly number[]): void {
  if (!Array.isArray(epsilons) || epsilons.length === 0) throw new InputError('epsilons', 'a non-empty list of numbers >= 0', epsilons);
  for (const e of epsilons) {
    if (!(typeof e === 'number' && Number.isFinite(e) && e >= 0)) throw new InputError('epsilons', 'finite numbers >= 0', e);
  }
}

// ---------------------------------------------------------------------------------------------------------
// jobs

/** Stream tags: method, direction, phase (0 = main pass, 1 = pilot of an eps search), importance threshold. */
function streamKey(method: 'importance' | 'order-statistics', direction: Direction, phase: number, threshold: number): string {
  return streamKeyOf([method === 'importance' ? 1 : 2, direction === 'remove' ? 0 : 1, phase, threshold]).toString();
}

function makeJob(
  n: Normalized,
  direction: Direction,
  epsilons: readonly number[],
  samples: number,
  phase: number,
  thresholdEpsilon?: number,
): JobSpec {
  const base = {
    method: n.method,
    direction,
    noiseMultiplier: n.sigma,
    steps: n.steps,
    epochs: n.epochs,
    epsilons,
    samples,
    seed: n.seed,
  };
  if (n.method === 'importance') {
    const t = thresholdEpsilon ?? epsilons[0];
    const job = { ...base, thresholdEpsilon: t, batchSize: 0, streamKey: streamKey('importance', direction, phase, t) };
    return { ...job, batchSize: batchSizeFor(job) };
  }
  const job = { ...base, ranks: n.ranks[direction], batchSize: 0, streamKey: streamKey('order-statistics', direction, phase, 0) };
  return { ...job, batchSize: batchSizeFor(job) };
}

/**
 * Importance sampling groups: ascending eps; a group starts at its smallest eps g and takes further eps while their
 * own region mass is at least half of g's (so no eps gets less than half the effective samples of a pass of its own).
 */
function importanceGroups(n: Normalized, direction: Direction, epsilons: readonly number[]): number[][] {
  const mass = (e: number) => importanceRegionMass({ direction, noiseMultiplier: n.sigma, steps: n.steps, thresholdEpsilon: e });
  const groups: number[][] = [];
  let i = 0;
  while (i < epsilons.length) {
    const start = mass(epsilons[i]);
    let j = i + 1;
    while (j < epsilons.length && mass(epsilons[j]) >= start / 2) j++;
    groups.push(epsilons.slice(i, j));
    i = j;
  }
  return groups;
}

/** One-epoch region mass of a direction at eps (a certified upper bound on its delta); Infinity for E > 1. */
function certifiedDirectionBound(n: Normalized, direction: Direction, epsilon: number): number {
  if (n.epochs !== 1) return Infinity;
  const o = { noiseMultiplier: n.sigma, steps: n.steps, epsilon };
  return direction === 'remove' ? removeRegionMass(o) : addRegionMass(o);
}

/** The estimate of a direction left unsampled (see DirectionEstimate.sampled). */
function unsampledEstimate(bound: number): DirectionEstimate {
  return { mean: 0, ucb: bound, hits: 0, standardError: 0, regionMass: bound, sampled: false };
}

/** True when a direction needs no sampling at any of these eps (its certified bound is below the lower bound). */
function canSkip(n: Normalized, direction: Direction, epsilons: readonly number[], lowerAt: (e: number) => number): boolean {
  return epsilons.every((e) => certifiedDirectionBound(n, direction, e) <= lowerAt(e));
}

/** Ceil to two significant digits (suggested sample counts are rough). */
function roundUpNicely(x: number): number {
  if (!Number.isFinite(x)) return x;
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(1, x))) - 1);
  return Math.ceil(x / unit) * unit;
}

/**
 * Samples at which each direction's upper bound would be at most `target`, if its per-sample rate were `rate(d)`.
 * Returns the largest over the directions.
 */
function samplesFor(
  directions: Readonly<Record<Direction, DirectionEstimate>>,
  rate: (d: Direction) => number,
  target: number,
  beta: number,
): number {
  let needed = 0;
  for (const d of DIRECTIONS) {
    const s = directions[d].regionMass;
    if (s <= target) continue; // the region's mass alone keeps this direction below the target
    needed = Math.max(needed, samplesToResolve({ rate: rate(d) / s, target: target / s, failureProbability: beta }));
  }
  return roundUpNicely(needed);
}

function deltaEstimate(
  epsilon: number,
  remove: DirectionEstimate,
  add: DirectionEstimate,
  lower: number,
  samples: number,
  beta: number,
): DeltaEstimate {
  const mean = Math.max(remove.mean, add.mean);
  const ucb = Math.max(remove.ucb, add.ucb);
  // ucb = 0 only when every sampled region has probability 0: delta is then certified to be 0 (to float64)
  const resolved = (mean > 0 && ucb <= RESOLUTION_RATIO * mean) || ucb === 0;
  const base = { epsilon, kind: 'estimate' as const, remove, add, mean, ucb, lower, resolved };
  if (resolved) return base;
  const directions = { remove, add };
  let suggested: number;
  if (mean > 0) {
    // keep the observed rates; ask for an upper bound within RESOLUTION_RATIO of the mean
    suggested = samplesFor(directions, (d) => directions[d].mean, RESOLUTION_RATIO * mean, beta);
  } else if (lower > 0) {
    // no hits: guess delta is about the certified lower bound
    suggested = samplesFor(directions, () => lower, RESOLUTION_RATIO * lower, beta);
  } else {
    suggested = roundUpNicely(10 * samples); // nothing to go on: ten times more lowers the bound tenfold
  }
  return { ...base, suggestedSamples: Math.max(suggested, samples + 1) };
}

// ---------------------------------------------------------------------------------------------------------
// delta(eps)

/** When the time limit stopped a run: the fewest samples any of its jobs reached. */
function stoppedAt(run: { readonly totals: readonly { samples: number }[]; readonly info: { stopped?: boolean } }): {
  stoppedAtSamples?: number;
} {
  if (!run.info.stopped) return {};
  return { stoppedAtSamples: Math.min(...run.totals.map((t) => t.samples)) };
}

interface DirectionRun {
  readonly stoppedAtSamples?: number;
  readonly jobs: readonly JobSpec[];
  readonly estimate: (direction: Direction, epsilon: number) => DirectionEstimate;
  readonly workers: number;
  readonly batches: number;
}

/** Samples the given directions at the given eps (ascending, distinct); skips what canSkip allows. */
async function sampleDirections(
  n: Normalized,
  directions: readonly Direction[],
  sorted: readonly number[],
  lowerAt: (e: number) => number,
): Promise<DirectionRun> {
  const jobs: JobSpec[] = [];
  for (const direction of directions) {
    const groups = n.method === 'importance' ? importanceGroups(n, direction, sorted) : [sorted];
    for (const group of groups) {
      if (!canSkip(n, direction, group, lowerAt)) jobs.push(makeJob(n, direction, group, n.samples, 0));
    }
  }
  const run = await runJobs(jobs, { workers: n.workers, onProgress: n.onProgress, deadline: n.deadline });
  const estimate = (direction: Direction, epsilon: number): DirectionEstimate => {
    const index = jobs.findIndex((job) => job.direction === direction && job.epsilons.includes(epsilon));
    if (index < 0) return unsampledEstimate(certifiedDirectionBound(n, direction, epsilon));
    const job = jobs[index];
    return directionEstimate(run.totals[index], job.epsilons.indexOf(epsilon), jobScale(job), n.beta);
  };
  return { jobs, estimate, workers: run.info.workers, batches: run.info.batches, ...stoppedAt(run) };
}

function runDetails(n: Normalized, run: DirectionRun): Record<string, unknown> {
  return {
    passes: run.jobs.map((job) => ({
      direction: job.direction,
      epsilons: job.epsilons,
      ...(job.method === 'importance' ? { thresholdEpsilon: job.thresholdEpsilon, regionMass: jobScale(job) } : {}),
    })),
    ...(n.method === 'order-statistics' ? { ranks: n.ranks } : {}),
    batches: run.batches,
    workers: run.workers,
    ...(run.stoppedAtSamples !== undefined ? { stoppedAtSamples: run.stoppedAtSamples } : {}),
  };
}

/**
 * Monte Carlo estimates of delta at each eps, both directions, with upper confidence bounds (kind 'estimate') and
 * the certified max-statistic lower bound.
 */
export async function ballsAndBinsDelta(
  o: BallsAndBinsSetting & { readonly epsilons: readonly number[] },
): Promise<BallsAndBinsDeltaResult> {
  const n = normalize(o);
  checkEpsilons(o.epsilons);
  checkCost(n, 'delta');
  const sorted = [...new Set(o.epsilons)].sort((a, b) => a - b);
  const bounds = ballsAndBinsLowerBounds({ noiseMultiplier: n.sigma, steps: n.steps, epochs: n.epochs });
  const lowers = sorted.map((e) => bounds.delta(e));
  const lowerAt = (e: number) => lowers[sorted.indexOf(e)];
  const run = await sampleDirections(n, DIRECTIONS, sorted, lowerAt);
  const estimates = o.epsilons.map((epsilon) =>
    deltaEstimate(epsilon, run.estimate('remove', epsilon), run.estimate('add', epsilon), lowerAt(epsilon), n.samples, n.beta),
  );
  return {
    kind: 'estimate',
    method: n.method,
    confidence: n.confidence,
    samples: n.samples,
    seed: n.seed,
    estimates,
    details: { ...runDetails(n, run), lowerBound: 'max-statistic construction with means (1, 0)' },
  };
}

/**
 * One direction only (remove = (P || Q), add = (Q || P)), every eps sampled (nothing skipped): for comparisons
 * with published per-direction figures. The max over both directions is what bounds privacy; use
 * ballsAndBinsDelta for that.
 */
export async function ballsAndBinsDirectionDelta(
  o: BallsAndBinsSetting & { readonly epsilons: readonly number[]; readonly direction: Direction },
): Promise<{
  readonly kind: 'estimate';
  readonly estimates: readonly DirectionEstimate[];
  readonly details: Readonly<Record<string, unknown>>;
}> {
  const n = normalize(o);
  checkEpsilons(o.epsilons);
  if (!DIRECTIONS.includes(o.direction)) throw new InputError('direction', "'remove' or 'add'", o.direction);
  const sorted = [...new Set(o.epsilons)].sort((a, b) => a - b);
  const run = await sampleDirections(n, [o.direction], sorted, () => -Infinity);
  return { kind: 'estimate', estimates: o.epsilons.map((e) => run.estimate(o.direction, e)), details: runDetails(n, run) };
}

// ---------------------------------------------------------------------------------------------------------
// eps(delta)

/** Linear grid of `count` points from a to b inclusive (one point when a >= b). */
function linearGrid(a: number, b: number, count: number): number[] {
  if (!(b > a)) return [a];
  return Array.from({ length: count }, (_, i) => (i === count - 1 ? b : a + ((b - a) * i) / (count - 1)));
}

/** Smallest eps in [lo, hi] with f(eps) <= target for a nonincreasing f (hi when none is smaller). */
function bisectDecreasing(f: (e: number) => number, target: number, lo: number, hi: number): number {
  if (f(lo) <= target) return lo;
  return bisect({ lo, hi, below: (e) => !(f(e) <= target), done: (l, h) => h - l <= 1e-12 * (1 + h), maxSteps: 200 }).hi;
}

interface GridPass {
  readonly stoppedAtSamples?: number;
  readonly grid: readonly number[];
  readonly remove: readonly DirectionEstimate[];
  readonly add: readonly DirectionEstimate[];
}

async function gridPass(
  n: Normalized,
  grid: readonly number[],
  lowers: readonly number[],
  samples: number,
  phase: number,
  progress: (done: number) => void,
): Promise<GridPass> {
  const lowerAt = (e: number) => lowers[grid.indexOf(e)];
  const sampled = DIRECTIONS.filter((direction) => !canSkip(n, direction, grid, lowerAt));
  const jobs = sampled.map((direction) => makeJob(n, direction, grid, samples, phase, grid[0]));
  const run = await runJobs(jobs, { workers: n.workers, onProgress: (done) => progress(done), deadline: n.deadline });
  const per = (direction: Direction) => {
    const i = sampled.indexOf(direction);
    if (i < 0) return grid.map((e) => unsampledEstimate(certifiedDirectionBound(n, direction, e)));
    return grid.map((_, k) => directionEstimate(run.totals[i], k, jobScale(jobs[i]), n.beta));
  };
  return { grid, remove: per('remove'), add: per('add'), ...stoppedAt(run) };
}

/**
 * eps for a target delta from the upper confidence bounds (kind 'estimate'): with probability at least
 * `confidence` the true eps(delta) is at most the returned `epsilon`.
 *
 * Method: a pilot pass (an eighth of the samples, its own random stream) over a grid between the certified lower
 * and upper bounds locates the crossing; the main pass then evaluates one shared set of samples on a fine grid
 * around it (64 points) plus a coarse grid up to the certified upper bound (16 points), and returns the smallest
 * grid eps whose upper bound is <= delta. Because the samples are shared, the upper bound is nonincreasing in eps,
 * so a grid eps below the true eps(delta) qualifies only if the bound fails at the grid point just below eps(delta),
 * which has probability at most beta: the guarantee holds for the search as a whole, not just pointwise. Grid
 * spacing only makes the answer larger (conservative).
 */
export async function ballsAndBinsEpsilon(o: BallsAndBinsSetting & { readonly delta: number }): Promise<BallsAndBinsEpsilonResult> {
  const n = normalize(o);
  if (!(typeof o.delta === 'number' && o.delta > 0 && o.delta < 1)) throw new InputError('delta', 'a number in (0, 1)', o.delta);
  const delta = o.delta;
  checkCost(n, 'epsilon');
  const setting = { noiseMultiplier: n.sigma, steps: n.steps, epochs: n.epochs };

  const bounds = ballsAndBinsLowerBounds(setting);
  const lower = bounds.epsilon(delta);
  let upper = analyticGaussianEpsilon({ noiseMultiplier: n.sigma / Math.sqrt(n.epochs), delta }).upper;
  if (n.epochs === 1) {
    const regionBound = (e: number) =>
      Math.max(
        removeRegionMass({ noiseMultiplier: n.sigma, steps: n.steps, epsilon: e }),
        addRegionMass({ noiseMultiplier: n.sigma, steps: n.steps, epsilon: e }),
      );
    if (regionBound(upper) <= delta) upper = Math.min(upper, bisectDecreasing(regionBound, delta, 0, upper));
  }
  if (!Number.isFinite(upper)) {
    // so little noise that no float64 eps meets delta: +infinity is the certified upper bound, nothing to sample
    const none = unsampledEstimate(1);
    return {
      kind: 'estimate',
      method: n.method,
      delta,
      confidence: n.confidence,
      meanEpsilon: null,
      lower,
      upper,
      epsilon: null,
      resolved: false,
      reason: 'the certified upper bound is infinite (no float64 epsilon meets delta at this noise), so there is nothing to sample',
      at: { epsilon: Number.MAX_VALUE, kind: 'estimate', remove: none, add: none, mean: 0, ucb: 1, lower: 0, resolved: false },
      details: { upperBound: 'deterministic-batch Gaussian' },
    };
  }
  const lo = Math.min(lower, upper);

  const pilotSamples = pilotSamplesOf(n.samples);
  const total = 2 * (pilotSamples + n.samples);
  const progress = (offset: number) => (done: number) => n.onProgress?.(offset + done, total);

  // pilot: bracket the crossing with lower and upper confidence bounds
  const pilotGrid = linearGrid(lo, upper, 65);
  const pilotLowers = pilotGrid.map((e) => bounds.delta(e));
  const pilot = await gridPass(n, pilotGrid, pilotLowers, pilotSamples, 1, progress(0));
  const combined = (p: GridPass, k: number, bound: (d: DirectionEstimate) => number) => Math.max(bound(p.remove[k]), bound(p.add[k]));
  const pilotLcb = (d: DirectionEstimate) =>
    !d.sampled
      ? 0
      : d.regionMass *
        klLowerConfidenceBound({ mean: Math.min(1, d.mean / (d.regionMass || 1)), samples: pilotSamples, failureProbability: n.beta });
  let from = lo;
  let to = upper;
  pilot.grid.forEach((e, k) => {
    if (combined(pilot, k, pilotLcb) > delta) from = Math.max(from, e);
  });
  for (let k = pilot.grid.length - 1; k >= 0; k--) {
    if (combined(pilot, k, (d) => d.ucb) <= delta) to = pilot.grid[k];
  }
  if (to < from) to = from;

  // main pass: shared samples on a fine grid over [from, to] and a coarse one above it
  const grid = [...linearGrid(from, to, 64), ...(to < upper ? linearGrid(to, upper, 17).slice(1) : [])];
  const lowers = grid.map((e) => bounds.delta(e));
  const main = await gridPass(n, grid, lowers, n.samples, 0, progress(2 * pilotSamples));
  n.onProgress?.(total, total); // directions certified smaller were skipped: their share counts as done
  const at = (k: number) => deltaEstimate(grid[k], main.remove[k], main.add[k], lowers[k], n.samples, n.beta);
  const ucbIndex = grid.findIndex((_, k) => combined(main, k, (d) => d.ucb) <= delta);
  const meanIndex = grid.findIndex((_, k) => combined(main, k, (d) => d.mean) <= delta);
  const meanEpsilon = meanIndex < 0 ? null : Math.max(grid[meanIndex], lower);

  const details = {
    pilotSamples,
    grid: { from, to, upper, points: grid.length, fineStep: grid.length > 1 ? grid[1] - grid[0] : 0 },
    crossingEpsilon: ucbIndex < 0 ? null : grid[ucbIndex],
    lowerBound: 'max-statistic construction with means (1, 0)',
    upperBound: n.epochs === 1 ? 'deterministic-batch Gaussian and importance-region masses' : 'deterministic-batch Gaussian',
    ...(main.stoppedAtSamples !== undefined || pilot.stoppedAtSamples !== undefined
      ? {
          stoppedAtSamples: main.stoppedAtSamples ?? n.samples,
          ...(pilot.stoppedAtSamples !== undefined ? { pilotStoppedAtSamples: pilot.stoppedAtSamples } : {}),
        }
      : {}),
  };
  const base = { kind: 'estimate' as const, method: n.method, delta, confidence: n.confidence, meanEpsilon, lower, upper };

  // samples that would resolve delta if the larger direction's true delta near the crossing were delta / 2 and the
  // other's what was observed
  const suggestion = (k: number) => {
    const e = at(k);
    const directions = { remove: e.remove, add: e.add };
    const dominant: Direction = e.add.mean > e.remove.mean ? 'add' : 'remove';
    const rate = (d: Direction) => (d === dominant ? delta / RESOLUTION_RATIO : Math.min(directions[d].mean, delta / RESOLUTION_RATIO));
    return Math.max(n.samples + 1, samplesFor(directions, rate, delta, n.beta));
  };
  if (ucbIndex < 0) {
    const last = grid.length - 1;
    return {
      ...base,
      epsilon: null,
      resolved: false,
      reason: `no eps up to the certified upper bound ${formatNumber(upper)} has an upper confidence bound on delta <= ${formatInput(delta)} with ${formatInput(n.samples)} samples`,
      suggestedSamples: suggestion(last),
      at: at(last),
      details,
    };
  }
  const estimate = at(ucbIndex);
  const bounding: Direction = estimate.add.ucb > estimate.remove.ucb ? 'add' : 'remove';
  if (estimate[bounding].sampled && estimate[bounding].hits === 0) {
    return {
      ...base,
      epsilon: null,
      resolved: false,
      reason:
        `no sample exceeded eps = ${grid[ucbIndex]} in the ${bounding} direction: ` +
        'the upper confidence bound there reflects the sample count, not the distribution',
      suggestedSamples: suggestion(ucbIndex),
      at: estimate,
      details,
    };
  }
  return { ...base, epsilon: Math.max(grid[ucbIndex], lower), resolved: true, at: estimate, details };
}
