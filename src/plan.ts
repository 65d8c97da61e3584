/**
 * The accounting plan: what every accountant receives (accountants/contract.ts). It is derived from a spec
 * or from flags by src/spec/plan.ts, with every derived count spelt out; this module only names its shape,
 * so that accountants, dispatch and calibration depend on it and never on the spec layer above them.
 */
import { AccountingError } from './errors.js';
import type { Adjacency, FixedSize, Mechanism, SamplerKind, Stage, Truncation } from './mechanism.js';
import { userLevelMechanism } from './userLevel.js';

export interface MonteCarloSettings {
  readonly samples: number;
  readonly seed: number;
  readonly confidence: number;
  /** refuse runs estimated to take longer (seconds) */
  readonly costLimitSeconds?: number;
  /** stop sampling after this many seconds and report what was reached */
  readonly maxSeconds?: number;
  /** a sample count was asked for: Monte Carlo runs beside the certified figure (balls-and-bins) */
  readonly requested?: boolean;
}

export interface PlanStage {
  /** `stages[0]`, or `stages[0] (pretraining)` when named */
  readonly label: string;
  readonly mechanism: Mechanism;
  readonly sampler: SamplerKind | 'none';
  /** Poisson rate q */
  readonly poissonRate?: number;
  /** batches per epoch T, for batch samplers (and Poisson given as sizes) */
  readonly stepsPerEpoch?: number;
  /** whole epochs, for batch samplers */
  readonly epochs?: number;
  /** total number of steps */
  readonly steps: number;
  /** truncated-poisson: the cut (with poissonRate) */
  readonly truncation?: Truncation;
  /** fixed-size batches drawn without replacement */
  readonly fixedSize?: FixedSize;
  /** user-level privacy with this many examples per user (the sampler draws examples) */
  readonly examplesPerUser?: number;
}

export type Query = { readonly quantity: 'epsilon'; readonly delta: number } | { readonly quantity: 'delta'; readonly epsilon: number };

export type AccountantName = 'pld' | 'rdp';

/**
 * How a balls-and-bins stage is bounded: `pld` the certified random-allocation PLD interval (default);
 * `decomposition` and `rdp` Feldman & Shenfeld 2025's cheaper, looser upper bounds (accountants/ballsAndBins/).
 */
export const ALLOCATION_METHODS = ['pld', 'decomposition', 'rdp'] as const;
export type AllocationMethod = (typeof ALLOCATION_METHODS)[number];
export type PrivacyUnit = 'example' | 'user' | 'sequence';

export interface AccountingPlan {
  readonly stages: readonly PlanStage[];
  readonly adjacency: Adjacency;
  readonly privacyUnit: PrivacyUnit;
  readonly query: Query;
  /** when the spec's `epsilon` is a list: every epsilon of the curve delta(epsilon), in order (`query` is the first) */
  readonly epsilons?: readonly number[];
  readonly budget?: { readonly epsilon: number; readonly delta: number };
  readonly accountant: {
    readonly name: AccountantName;
    /** grid interval for accountants with a fixed grid; the PLD accountant uses it only when `fixedGrid` */
    readonly discretization: number;
    /** the spec (or --discretization) fixed the PLD grid; otherwise the PLD grid follows `precision` */
    readonly fixedGrid?: boolean;
    /** PLD target relative width (upper - lower) / upper; undefined means the engine's default */
    readonly precision?: number;
    /** balls-and-bins: the bound used (default pld) */
    readonly method?: AllocationMethod;
    readonly monteCarlo: MonteCarloSettings;
  };
  readonly notes: readonly string[];
  /** the whole composition is one run of a repeat-and-select (shape Infinity: Poisson number of runs) */
  readonly repeatAndSelect?: { readonly mean: number; readonly shape: number };
}

/** The engine view of a stage: Poisson and unsampled stages map directly; deterministic batches are
 * E unsampled releases per unit (each unit is in exactly one batch per epoch: ABLQ-1, section 3). */
export function engineStage(stage: PlanStage): Stage | undefined {
  const mechanism = stageMechanism(stage);
  if (stage.sampler === 'none') return { mechanism, steps: stage.steps };
  if (stage.sampler === 'poisson')
    // a user's Binomial(k, q) examples: the mixture is the sampling
    return (stage.examplesPerUser ?? 1) > 1
      ? { mechanism, steps: stage.steps }
      : { mechanism, poissonRate: stage.poissonRate, steps: stage.steps };
  if (stage.sampler === 'truncated-poisson')
    return { mechanism, poissonRate: stage.poissonRate, truncation: stage.truncation, steps: stage.steps };
  if (stage.sampler === 'fixed-size') return { mechanism, fixedSize: stage.fixedSize, steps: stage.steps };
  if (stage.sampler === 'deterministic') return { mechanism, steps: stage.epochs! };
  if (stage.sampler === 'balls-and-bins')
    return { mechanism, randomAllocation: { stepsPerEpoch: stage.stepsPerEpoch! }, steps: stage.epochs! };
  return undefined;
}

/** The example-level mechanism of a stage: its own, or what one user's k examples amount to (src/userLevel.ts). */
function stageMechanism(stage: PlanStage): Mechanism {
  const k = stage.examplesPerUser ?? 1;
  if (k === 1) return stage.mechanism;
  const m = userLevelMechanism(stage, k);
  if (typeof m === 'string') throw new AccountingError(`${stage.label}: ${m}`);
  return m;
}

/** The stages an upper-bound accountant can compose, or an AccountingError naming the first that it cannot. */
export function engineStages(plan: AccountingPlan): Stage[] {
  return plan.stages.map((s) => {
    const stage = engineStage(s);
    if (stage === undefined)
      throw new AccountingError(
        `${s.label}: the ${s.sampler} sampler has no certified upper bound to compose with other stages; ` +
          'account it on its own (one stage) to see its lower bound, or use poisson or deterministic',
      );
    return stage;
  });
}

/** The plan's only stage when it has one, else undefined (the sampler accountants take one stage). */
export function singleStage(plan: AccountingPlan): PlanStage | undefined {
  return plan.stages.length === 1 ? plan.stages[0] : undefined;
}

/** Why the composing accountants (pld, rdp) cannot take a plan, or undefined when they can. */
export function composableProblem(plan: AccountingPlan, name: AccountantName): string | undefined {
  if (plan.accountant.name !== name) return `the plan asks for the ${plan.accountant.name} accountant`;
  const bad = plan.stages.find((s) => engineStage(s) === undefined);
  if (bad)
    return (
      `${bad.label}: the ${bad.sampler} sampler has no certified upper bound to compose with other stages; ` +
      'account it on its own (one stage) to see its lower bound, or use poisson or deterministic'
    );
  // balls-and-bins composes only in the PLD accountant, and on its own it has an accountant of its own
  const allocation = plan.stages.find((s) => s.sampler === 'balls-and-bins');
  if (allocation && name !== 'pld') return `${allocation.label}: the ${name} accountant has no analysis of the balls-and-bins sampler`;
  if (allocation && plan.stages.length === 1) return 'a single balls-and-bins stage is accounted by the balls-and-bins accountant';
  return undefined;
}

/** One Gaussian stage with a batch sampler, as the sampler accountants take it (sensitivity folded into sigma). */
export interface GaussianBatchSetting {
  /** sigma / sensitivity: a Gaussian sensitivity s (in clip norms) acts as noise sigma / s */
  readonly noiseMultiplier: number;
  readonly stepsPerEpoch: number;
  readonly epochs: number;
}

/**
 * The setting of a plan made of one Gaussian stage with `sampler`, or why the plan is not that. The
 * sampler analyses belong to the default (pld) family of accountants; a plan asking for rdp is refused.
 */
export function gaussianBatchStage(plan: AccountingPlan, sampler: SamplerKind): GaussianBatchSetting | string {
  const stage = singleStage(plan);
  if (stage === undefined || stage.sampler !== sampler) return `one stage with the ${sampler} sampler expected`;
  if (plan.accountant.name !== 'pld') return `the ${plan.accountant.name} accountant has no analysis of the ${sampler} sampler`;
  if (stage.mechanism.kind !== 'gaussian') return `${stage.label}: the ${sampler} sampler is accounted for gaussian mechanisms only`;
  return {
    noiseMultiplier: stage.mechanism.noiseMultiplier / (stage.mechanism.sensitivity ?? 1),
    stepsPerEpoch: stage.stepsPerEpoch!,
    epochs: stage.epochs!,
  };
}

/** The L2 sensitivity of a plan's only Gaussian stage in clip norms (1 for other mechanisms). */
export function gaussianSensitivity(plan: AccountingPlan): number {
  const m = plan.stages[0].mechanism;
  return m.kind === 'gaussian' ? (m.sensitivity ?? 1) : 1;
}
