/**
 * The noise side of DP scaling laws (McKenna et al., "Scaling Laws for Differentially Private Language
 * Models", arXiv 2501.18914, Sec. 2-3): for a privacy budget (eps, delta), N privacy units, an expected
 * batch of B units and T steps, the noise multiplier sigma that DP-SGD needs, and the noise-batch ratio
 * sigma / B (the standard deviation of the noise on the mean clipped gradient).
 *
 * This is a consumer of the accounting engine, not an accountant: sigma comes from the one calibration
 * of src/spec/calibration.ts (one-sided, certified), on a plan built from the same spec schema the CLI uses.
 */
import { AccountingError } from '../../src/errors.js';
import type { AccountingResult } from '../../src/result.js';
import type { CalibrationReport } from '../../src/result.js';
import { calibrate, certifiedEpsilon } from '../../src/spec/calibration.js';
import { accountPlan } from '../../src/spec/evaluate.js';
import { planFromSpec, type AccountingPlan } from '../../src/spec/plan.js';
import type { SamplerKind, Spec, SpecSampler } from '../../src/spec/schema.js';
import { validateSpec } from '../../src/spec/validate.js';

export type ScalingAccountant = 'pld' | 'rdp';

/** How the privacy is accounted: the batch sampler used in training and the accountant (Poisson + PLD by default). */
export interface AccountingChoice {
  readonly sampler?: SamplerKind;
  readonly accountant?: ScalingAccountant;
  /** PLD grid interval (default 1e-4) */
  readonly discretization?: number;
}

export interface NoiseQuestion extends AccountingChoice {
  readonly epsilon: number;
  readonly delta: number;
  /** N: privacy units (users, sequences, examples) in the data */
  readonly units: number;
  /** B: expected batch size in units */
  readonly batchSize: number;
  /** T: training steps */
  readonly steps: number;
}

/** sigma calibrated for one configuration, with the accounting that certifies it. */
export interface NoiseCalibration {
  readonly noiseMultiplier: number;
  /** `sufficient` (from an upper bound) or `necessary` (from a lower bound: shuffling samplers, balls-and-bins) */
  readonly guarantee: 'sufficient' | 'necessary';
  /** the accounting at the calibrated sigma */
  readonly result: AccountingResult;
  readonly notes: readonly string[];
}

/** the calibrated sigma may lie anywhere in this range (sigma ~ sqrt(T) / eps for q = 1 stays far below 1e6) */
const SIGMA_RANGE = { min: 0.05, max: 1e6 } as const;

/**
 * The spec of one DP-SGD stage for (N, B, T). Batch samplers account whole epochs: a partial last epoch counts as a
 * full one (never fewer participations than trained).
 */
export function stageSpec(
  o: {
    readonly units: number;
    readonly batchSize: number;
    readonly steps: number;
    readonly sigma: number;
    readonly delta: number;
  } & AccountingChoice,
): Spec {
  const sampler = o.sampler ?? 'poisson';
  const mechanism = { kind: 'gaussian' as const, noiseMultiplier: o.sigma };
  const sizes = { batchSize: o.batchSize, datasetSize: o.units };
  const length = sampler === 'poisson' ? { steps: o.steps } : { epochs: Math.ceil(o.steps / Math.ceil(o.units / o.batchSize)) };
  return {
    delta: o.delta,
    privacyUnit: 'example',
    accountant: { name: o.accountant ?? 'pld', ...(o.discretization !== undefined ? { discretization: o.discretization } : {}) },
    // truncated-poisson also needs maxBatchSize: validateSpec then says so with the JSON path
    stages: [{ mechanism, sampler: { kind: sampler, ...sizes } as SpecSampler, ...length }],
  };
}

export function stagePlan(o: Parameters<typeof stageSpec>[0]): AccountingPlan {
  return planFromSpec(validateSpec(stageSpec(o)));
}

function fromReport(r: CalibrationReport): NoiseCalibration {
  return { noiseMultiplier: r.value, guarantee: r.guarantee, result: r.result, notes: [...r.notes] };
}

/** The smallest noise multiplier meeting (eps, delta) for the configuration (one-sided; see src/spec/calibration.ts). */
export async function calibrateNoise(q: NoiseQuestion): Promise<NoiseCalibration> {
  if (q.batchSize > q.units) throw new AccountingError(`batch size ${q.batchSize} exceeds the ${q.units} units (sampling rate above 1)`);
  const build = (sigma: number) => stagePlan({ ...q, sigma });
  const target = { epsilon: q.epsilon, delta: q.delta };
  // the one calibration: the sampler's accountant calibrates sigma itself where it can (closed forms, lower
  // bounds), else a search over the certified upper bound of the plan's accountant
  return fromReport(await calibrate({ parameter: 'sigma', build, target, ...SIGMA_RANGE, integer: false, start: 1 }));
}

/**
 * The unamplified figure: sigma for deterministic batches (each unit in ceil(B T / N) releases, no amplification by
 * sampling). The paper computed it beside the Poisson figure and used the smaller; it is only valid for training
 * that really uses deterministic batches.
 */
export async function unamplifiedNoise(q: Omit<NoiseQuestion, 'sampler'>): Promise<NoiseCalibration> {
  return calibrateNoise({ ...q, sampler: 'deterministic' });
}

export interface UnitsQuestion extends AccountingChoice {
  readonly epsilon: number;
  readonly delta: number;
  readonly noiseMultiplier: number;
  readonly batchSize: number;
  readonly steps: number;
}

export interface UnitsAnswer {
  /** the smallest number of units N at which B, T and sigma meet (eps, delta) with Poisson sampling at q = B / N */
  readonly units: number;
  /** the accounting at q = B / units */
  readonly result: AccountingResult;
  readonly notes: readonly string[];
}

/**
 * Units needed for a published configuration (e.g. VaultGemma): epsilon grows with the sampling rate q = B / N, so
 * the largest q meeting the target gives the smallest N = ceil(B / q). Poisson sampling only.
 */
export async function unitsForBudget(q: UnitsQuestion): Promise<UnitsAnswer> {
  if ((q.sampler ?? 'poisson') !== 'poisson') throw new AccountingError('the units needed are solved for Poisson sampling only');
  const ratePlan = (rate: number) =>
    planFromSpec(
      validateSpec({
        delta: q.delta,
        accountant: { name: q.accountant ?? 'pld', ...(q.discretization !== undefined ? { discretization: q.discretization } : {}) },
        stages: [
          { mechanism: { kind: 'gaussian', noiseMultiplier: q.noiseMultiplier }, sampler: { kind: 'poisson', rate }, steps: q.steps },
        ],
      }),
    );
  const found = await calibrate({
    parameter: 'sampling-rate',
    build: ratePlan,
    target: { epsilon: q.epsilon, delta: q.delta },
    min: 1e-15,
    max: 1,
    integer: false,
    start: Math.min(1, 1e-3),
  });
  let units = Math.max(q.batchSize, Math.ceil(q.batchSize / found.value));
  // one-sided: the figure at the integer N must meet the target (B / N <= q by construction; checked anyway)
  for (let i = 0; ; i++) {
    const plan = stagePlan({
      units,
      batchSize: q.batchSize,
      steps: q.steps,
      sigma: q.noiseMultiplier,
      delta: q.delta,
      accountant: q.accountant,
      discretization: q.discretization,
    });
    const result = await accountPlan(plan, { quantity: 'epsilon', delta: q.delta });
    if (certifiedEpsilon(result) <= q.epsilon) return { units, result, notes: [...found.notes] };
    if (i >= 20) throw new AccountingError(`no number of units near ${units} meets epsilon <= ${q.epsilon}`);
    units = Math.ceil(units * (1 + 1e-6 * 2 ** i));
  }
}
