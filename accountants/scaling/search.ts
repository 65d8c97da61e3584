/**
 * Compute-budget searches over training configurations (McKenna et al., arXiv 2501.18914, Sec. 4): for a privacy
 * budget (eps, delta), N units and C FLOPs, enumerate model sizes M and batch sizes B (T = C / (6 M B S) follows),
 * take sigma for (q = B / N, T) from a calibration grid, predict the loss with a loss model, and rank. The best few
 * are recalibrated exactly and re-ranked; figures reported for them are exact calibrations.
 *
 * - optimize: the best configuration at C and the band of configurations within a tolerance of its loss;
 * - saturate: the smallest C whose best loss is within a tolerance of the best loss at any compute;
 * - evaluate: one configuration.
 */
import { AccountingError, InputError } from '../../src/errors.js';
import type {
  ScalingBand,
  ScalingConfiguration,
  ScalingEvalResult,
  ScalingOptimizeResult,
  ScalingSaturateResult,
} from '../../src/result.js';
import { outsideDomain, type LossModel } from './lossModel.js';
import { calibrateNoise, type AccountingChoice } from './noise.js';
import { buildNoiseGrid, logSpace, type NoiseGrid } from './noiseGrid.js';

export interface BudgetQuestion extends AccountingChoice {
  readonly epsilon: number;
  readonly delta: number;
  readonly units: number;
  /** S: tokens per sequence (a unit's contribution to a batch is one sequence) */
  readonly seqLen: number;
  readonly model: LossModel;
}

export interface SearchOptions {
  /** model sizes searched, log-spaced over the loss model's domain (default 100) */
  readonly modelCount?: number;
  /** batch sizes searched, log-spaced from 1 to min(N, maxBatch) (default 100) */
  readonly batchCount?: number;
  /** largest batch searched (default 2^25, as in the paper) */
  readonly maxBatch?: number;
  /** relative loss tolerance of the band / saturation (default 0.01) */
  readonly tolerance?: number;
  /** how many of the best configurations are recalibrated exactly and re-ranked (default 3) */
  readonly exactCandidates?: number;
  /** nodes of the calibration grid along q and T (default 14 x 10) */
  readonly gridNodes?: { readonly rates: number; readonly steps: number };
  readonly onProgress?: (done: number, total: number) => void;
}

/** Compute-optimal non-private training uses about 20 tokens per parameter (Hoffmann et al. 2022). */
export const NON_PRIVATE_TOKENS_PER_PARAMETER = 20;

interface Ranked {
  readonly modelSize: number;
  readonly batchSize: number;
  readonly steps: number;
  readonly noiseMultiplier: number;
  readonly loss: number;
}

interface Space {
  readonly modelSizes: readonly number[];
  readonly batchSizes: readonly number[];
}

function space(q: BudgetQuestion, o: SearchOptions): Space {
  const d = q.model.domain.modelSize;
  const maxBatch = Math.min(q.units, o.maxBatch ?? 2 ** 25);
  const batches = logSpace(1, maxBatch, o.batchCount ?? 100).map(Math.round);
  return { modelSizes: logSpace(d.min, d.max, o.modelCount ?? 100), batchSizes: [...new Set(batches)] };
}

function grid(q: BudgetQuestion, s: Space, o: SearchOptions): Promise<NoiseGrid> {
  const b = s.batchSizes;
  return buildNoiseGrid({
    ...q,
    rateRange: [b[0] / q.units, b[b.length - 1] / q.units],
    stepsRange: [q.model.domain.steps.min, q.model.domain.steps.max],
    rateNodes: o.gridNodes?.rates,
    stepNodes: o.gridNodes?.steps,
    onProgress: o.onProgress,
  });
}

export function configuration(
  q: BudgetQuestion,
  c: { modelSize: number; batchSize: number; steps: number; noiseMultiplier: number },
  noiseSource: 'exact' | 'interpolated',
): ScalingConfiguration {
  const tokens = c.batchSize * q.seqLen * c.steps;
  const noiseBatchRatio = c.noiseMultiplier / c.batchSize;
  const point = { modelSize: c.modelSize, steps: c.steps, noiseBatchRatio };
  const why = outsideDomain(q.model, point);
  return {
    modelSize: c.modelSize,
    batchSize: c.batchSize,
    steps: c.steps,
    noiseMultiplier: c.noiseMultiplier,
    noiseBatchRatio,
    noiseSource,
    ...(why === undefined ? { loss: q.model.predict(point) } : { outsideDomain: why }),
    computeFlops: 6 * c.modelSize * tokens,
    tokens,
    tokensPerParameter: tokens / c.modelSize,
    epochs: (c.batchSize * c.steps) / q.units,
  };
}

/** Every configuration of the space at compute `flops`, ranked by predicted loss; out-of-domain ones counted by reason. */
function rank(q: BudgetQuestion, s: Space, g: NoiseGrid, flops: number, scale = 1): { ranked: Ranked[]; outside: Record<string, number> } {
  const d = q.model.domain;
  const ranked: Ranked[] = [];
  const outside: Record<string, number> = {};
  const skip = (why: string) => (outside[why] = (outside[why] ?? 0) + 1);
  for (const modelSize of s.modelSizes)
    for (const batchSize of s.batchSizes) {
      // whole steps, rounded down so the configuration never spends more than the budget
      const steps = Math.floor(flops / (6 * modelSize * batchSize * q.seqLen));
      if (steps < d.steps.min) {
        skip(`steps below ${d.steps.min}`);
        continue;
      }
      if (steps > d.steps.max) {
        skip(`steps above ${d.steps.max}`);
        continue;
      }
      const noiseMultiplier = scale * g.sigma(batchSize / q.units, steps);
      const noiseBatchRatio = noiseMultiplier / batchSize;
      if (noiseBatchRatio > d.noiseBatchRatio.max) {
        skip(`noise-batch ratio above ${d.noiseBatchRatio.max.toPrecision(3)}`);
        continue;
      }
      if (noiseBatchRatio < d.noiseBatchRatio.min) {
        skip(`noise-batch ratio below ${d.noiseBatchRatio.min.toPrecision(3)}`);
        continue;
      }
      ranked.push({ modelSize, batchSize, steps, noiseMultiplier, loss: q.model.predict({ modelSize, steps, noiseBatchRatio }) });
    }
  ranked.sort((a, b) => a.loss - b.loss);
  return { ranked, outside };
}

function band(ranked: readonly Ranked[], tolerance: number): ScalingBand {
  const limit = ranked[0].loss * (1 + tolerance);
  const inside = ranked.filter((r) => r.loss <= limit);
  const span = (f: (r: Ranked) => number) => ({ min: Math.min(...inside.map(f)), max: Math.max(...inside.map(f)) });
  return {
    tolerance,
    count: inside.length,
    modelSize: span((r) => r.modelSize),
    batchSize: span((r) => r.batchSize),
    steps: span((r) => r.steps),
    loss: span((r) => r.loss),
  };
}

/** The compute range in which some configuration of the space has steps inside the model's domain. */
export function computeRange(q: BudgetQuestion, o: SearchOptions = {}): { min: number; max: number } {
  const s = space(q, o);
  const d = q.model.domain;
  return {
    min: 6 * d.modelSize.min * s.batchSizes[0] * q.seqLen * d.steps.min,
    max: 6 * d.modelSize.max * s.batchSizes[s.batchSizes.length - 1] * q.seqLen * d.steps.max,
  };
}

interface ExactRanking {
  readonly ranked: Ranked[];
  readonly outside: Record<string, number>;
  /** the best few recalibrated exactly, best exact loss first */
  readonly candidates: ScalingConfiguration[];
  readonly guarantee: 'sufficient' | 'necessary';
  /** the accountant of the exact calibrations */
  readonly accountant: string;
  readonly notes: string[];
}

/**
 * Ranks the space at `flops`, then recalibrates exactly. The grid's accountant (RDP for Poisson) differs from the
 * exact one by a nearly constant factor over the search, so the search's best is calibrated exactly first, the grid
 * scaled by the ratio and the space ranked again; the best `count` of that ranking are recalibrated exactly and
 * re-ranked by their exact loss.
 */
async function rankExactly(q: BudgetQuestion, s: Space, g: NoiseGrid, flops: number, count: number): Promise<ExactRanking | undefined> {
  const first = rank(q, s, g, flops, 1);
  if (first.ranked.length === 0) return undefined;
  const cache = new Map<string, Awaited<ReturnType<typeof calibrateNoise>>>();
  const exactly = async (r: Ranked) => {
    const key = `${r.batchSize}:${r.steps}`;
    let found = cache.get(key);
    if (!found) cache.set(key, (found = await calibrateNoise({ ...q, batchSize: r.batchSize, steps: r.steps })));
    return found;
  };
  const lead = first.ranked[0];
  const scale = (await exactly(lead)).noiseMultiplier / lead.noiseMultiplier;
  const { ranked, outside } = Math.abs(scale - 1) > 1e-3 ? rank(q, s, g, flops, scale) : first;
  if (ranked.length === 0) return undefined;
  const candidates: ScalingConfiguration[] = [];
  let guarantee: 'sufficient' | 'necessary' = 'sufficient';
  let accountant = '';
  // the first ranking's best (already calibrated) competes too
  const seen = new Set<string>();
  for (const r of [...ranked.slice(0, Math.max(1, count)), lead]) {
    const key = `${r.modelSize}:${r.batchSize}:${r.steps}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const exact = await exactly(r);
    accountant = exact.result.accountant.name;
    if (exact.guarantee === 'necessary') guarantee = 'necessary';
    candidates.push(configuration(q, { ...r, noiseMultiplier: exact.noiseMultiplier }, 'exact'));
  }
  candidates.sort((a, b) => (a.loss ?? Infinity) - (b.loss ?? Infinity));
  const top = ranked[0];
  const gap =
    candidates.find((c) => c.modelSize === top.modelSize && c.batchSize === top.batchSize)!.noiseMultiplier / top.noiseMultiplier - 1;
  const notes = [
    `The search ranked ${ranked.length} configurations by sigma interpolated on a grid of ${g.calibrations} ${g.accountant} calibrations, ` +
      `scaled by ${scale.toFixed(4)} (exact / interpolated sigma at the first ranking's best); the best ${candidates.length} were recalibrated exactly ` +
      `(the scaled sigma of the best was ${Math.abs(100 * gap).toFixed(2)}% ${gap <= 0 ? 'above' : 'below'} its exact value). Losses of the band use the scaled sigma.`,
  ];
  return { ranked, outside, candidates, guarantee, accountant, notes };
}

export async function optimize(q: BudgetQuestion & { readonly flops: number }, o: SearchOptions = {}): Promise<ScalingOptimizeResult> {
  const started = performance.now();
  const s = space(q, o);
  const range = computeRange(q, o);
  if (!(q.flops >= range.min && q.flops <= range.max))
    throw new InputError(
      '--flops',
      `a compute budget in [${range.min.toPrecision(3)}, ${range.max.toPrecision(3)}] FLOPs (where the loss model's domain has configurations)`,
      q.flops,
    );
  const g = await grid(q, s, o);
  const exact = await rankExactly(q, s, g, q.flops, o.exactCandidates ?? 3);
  if (exact === undefined) {
    const { outside } = rank(q, s, g, q.flops);
    throw new AccountingError(
      `no configuration at ${q.flops.toPrecision(3)} FLOPs lies inside the loss model's domain (${Object.entries(outside)
        .map(([k, v]) => `${v} with ${k}`)
        .join(', ')})`,
    );
  }
  const { ranked, outside } = exact;
  const tolerance = o.tolerance ?? 0.01;
  const best = exact.candidates[0];
  const nonPrivateModelSize = Math.sqrt(q.flops / (6 * NON_PRIVATE_TOKENS_PER_PARAMETER));
  const notes = [...exact.notes, `The loss is an estimate from the loss model "${q.model.name}", not a measurement.`];
  if (exact.guarantee === 'necessary') notes.push('The noise multipliers are necessary (from lower bounds), not sufficient.');
  if (best.loss === undefined)
    notes.push(`The exact recalibration moved the best configuration out of the loss model's domain: ${best.outsideDomain}.`);
  return {
    epsilon: q.epsilon,
    delta: q.delta,
    units: q.units,
    flops: q.flops,
    seqLen: q.seqLen,
    sampler: q.sampler ?? 'poisson',
    accountant: exact.accountant,
    lossModel: q.model.name,
    best,
    nonPrivateModelSize,
    band: band(ranked, tolerance),
    candidates: exact.candidates,
    search: {
      modelSizes: s.modelSizes.length,
      batchSizes: s.batchSizes.length,
      ranked: ranked.length,
      outsideDomain: outside,
      gridCalibrations: g.calibrations,
      gridAccountant: g.accountant,
      seconds: (performance.now() - started) / 1000,
    },
    notes,
  };
}

/**
 * The saturating compute: searches compute budgets log-spaced over the model's range (4 per decade), takes the
 * best loss L* over all of them, and finds the smallest budget whose best loss is within the tolerance of L*
 * (refined by bisection in log C between grid points).
 */
export async function saturate(q: BudgetQuestion, o: SearchOptions = {}): Promise<ScalingSaturateResult> {
  const s = space(q, o);
  const g = await grid(q, s, o);
  const range = computeRange(q, o);
  const decades = Math.log10(range.max / range.min);
  const budgets = logSpace(range.min, range.max, Math.max(2, Math.ceil(4 * decades) + 1));
  const bestAt = (flops: number) => rank(q, s, g, flops).ranked[0];
  const curve = budgets.map((flops) => ({ flops, best: bestAt(flops) }));
  const reachable = curve.filter((c) => c.best !== undefined);
  if (reachable.length === 0) throw new AccountingError("no compute budget has a configuration inside the loss model's domain");
  const tolerance = o.tolerance ?? 0.01;
  const floor = Math.min(...reachable.map((c) => c.best!.loss));
  const saturated = (flops: number) => {
    const b = bestAt(flops);
    return b !== undefined && b.loss <= floor * (1 + tolerance);
  };
  const k = curve.findIndex((c) => c.best !== undefined && c.best.loss <= floor * (1 + tolerance));
  let hi = curve[k].flops;
  // refine between the previous budget (not saturated) and this one
  if (k > 0) {
    let lo = curve[k - 1].flops;
    for (let i = 0; i < 10; i++) {
      const mid = Math.sqrt(lo * hi);
      if (saturated(mid)) hi = mid;
      else lo = mid;
    }
  }
  const exact = (await rankExactly(q, s, g, hi, o.exactCandidates ?? 3))!;
  return {
    epsilon: q.epsilon,
    delta: q.delta,
    units: q.units,
    seqLen: q.seqLen,
    tolerance,
    saturatingFlops: hi,
    best: exact.candidates[0],
    bestLossAnyCompute: floor,
    curve: curve.map((c) => ({ flops: c.flops, ...(c.best ? { loss: c.best.loss } : {}) })),
    lossModel: q.model.name,
    sampler: q.sampler ?? 'poisson',
    accountant: exact.accountant,
    notes: [
      ...exact.notes,
      `Compute budgets from ${range.min.toPrecision(3)} to ${range.max.toPrecision(3)} FLOPs were searched (4 per decade, then bisection); the best loss over all of them is ${floor.toPrecision(4)} (interpolated sigma, unscaled).`,
      `The loss is an estimate from the loss model "${q.model.name}", not a measurement.`,
    ],
  };
}

/** One configuration: sigma calibrated exactly, the loss predicted (or why the model cannot). */
export async function evaluate(
  q: BudgetQuestion & { readonly modelSize: number; readonly batchSize: number; readonly steps: number },
): Promise<ScalingEvalResult> {
  const exact = await calibrateNoise(q);
  const c = configuration(
    q,
    { modelSize: q.modelSize, batchSize: q.batchSize, steps: q.steps, noiseMultiplier: exact.noiseMultiplier },
    'exact',
  );
  return {
    epsilon: q.epsilon,
    delta: q.delta,
    units: q.units,
    seqLen: q.seqLen,
    sampler: q.sampler ?? 'poisson',
    accountant: exact.result.accountant.name,
    lossModel: q.model.name,
    configuration: c,
    guarantee: exact.guarantee,
    notes: [
      ...exact.notes,
      ...(c.loss === undefined
        ? [`No loss: ${c.outsideDomain} (the model does not extrapolate).`]
        : [`The loss is an estimate from the loss model "${q.model.name}", not a measurement.`]),
    ],
  };
}
