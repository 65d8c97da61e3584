/**
 * Every figure dpacct reports carries its kind:
 * - `upper`: certified, the true value is not larger;
 * - `lower`: certified, the true value is not smaller;
 * - `exact`: closed form (float64 rounding aside);
 * - `estimate`: Monte Carlo or asymptotic, reported with its confidence.
 */
export type BoundKind = 'upper' | 'lower' | 'exact' | 'estimate';

/** A privacy parameter with what is known about it. `value` is the headline figure. */
export interface Figure {
  readonly value: number;
  readonly kind: BoundKind;
  /** certified lower bound, where one is known */
  readonly lower?: number;
  /** certified upper bound, where one is known */
  readonly upper?: number;
  /** accountant-specific detail (per-direction figures, grid intervals used, Monte Carlo settings, ...) */
  readonly details: Readonly<Record<string, unknown>>;
  /** plain-language caveats to print with the figure */
  readonly notes?: readonly string[];
}

/** The result of one accounting query, as every command returns it before formatting. */
export interface AccountingResult {
  /** which parameter the headline figure is */
  readonly quantity: 'epsilon' | 'delta';
  readonly value: number;
  readonly kind: BoundKind;
  readonly lower?: number;
  readonly upper?: number;
  /** the inputs as the user gave them (after normalisation) */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** the accountant and its settings */
  readonly accountant: { readonly name: string; readonly settings: Readonly<Record<string, unknown>> };
  /** accountant-specific detail (per-direction figures, grid intervals used, ...) */
  readonly details?: Readonly<Record<string, unknown>>;
  /** plain-language caveats to print with the figure */
  readonly notes?: readonly string[];
}

// ---------------------------------------------------------------------------------------------------------
// reports: what commands hand to the formatters besides a plain AccountingResult (src/output imports these;
// the core never imports from src/output)

export interface StageCostView {
  readonly label: string;
  readonly epsilon: number;
  readonly kind: BoundKind;
}

export interface BudgetReport {
  readonly withinBudget: boolean;
  /** `upper`: the certified upper bound was compared; `lower`: only a lower bound is known and it exceeds the budget */
  readonly basis: 'upper' | 'lower';
  readonly budget: { readonly epsilon: number; readonly delta: number };
  /** the composed epsilon at the budget's delta; its upper bound is what is compared */
  readonly result: AccountingResult;
  /** upper bound minus budget (positive when over) */
  readonly excess: number;
  /** per-stage epsilons, computed only when over budget and there are several stages */
  readonly stageCosts?: readonly StageCostView[];
}

export type CalibrationParameter = 'sigma' | 'steps' | 'epochs' | 'sampling-rate' | 'batch-size';

/** What an accountant's own noise calibration gives (accountants/contract.ts `calibrateNoise`). */
export interface AccountantCalibration {
  /** the noise multiplier, in the plan's units (a Gaussian sensitivity s scales it by s) */
  readonly value: number;
  /** sufficient: this sigma or more meets the target (upper bound or exact); necessary: any smaller sigma fails it (lower bound) */
  readonly guarantee: 'sufficient' | 'necessary';
  readonly evaluations: number;
  readonly notes: readonly string[];
  /** the figure at `value` with how to name it, when it is not what `account` gives (a lower bound beside a Monte Carlo estimate) */
  readonly at?: {
    readonly figure: Figure;
    readonly accountant: { readonly name: string; readonly settings: Readonly<Record<string, unknown>> };
  };
}

export interface CalibrationReport {
  readonly parameter: CalibrationParameter;
  /** the calibrated value (integer for steps, epochs and batch-size) */
  readonly value: number;
  /** `sufficient` when the figure behind it is an upper bound, `necessary` when a lower bound */
  readonly guarantee: 'sufficient' | 'necessary';
  readonly target: { readonly epsilon: number; readonly delta: number };
  /** the accounting at the calibrated value */
  readonly result: AccountingResult;
  readonly evaluations: number;
  readonly notes: readonly string[];
  /** the search stopped at the end of the parameter's allowed range: the value is that end, not a crossing */
  readonly atSearchLimit?: 'min' | 'max';
}

export interface ComparisonRow {
  readonly sampler: string;
  readonly value: number;
  readonly kind: BoundKind;
  readonly lower?: number;
  readonly upper?: number;
  /** figure / Poisson figure */
  readonly ratioToPoisson?: number;
  /** how the figure was bounded when the sampler has several methods (balls-and-bins `--method`) */
  readonly method?: string;
  readonly notes?: readonly string[];
}

export interface ComparisonReport {
  readonly quantity: 'epsilon' | 'delta';
  readonly rows: readonly ComparisonRow[];
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly notes: readonly string[];
}

/**
 * delta at several epsilons from one composition (`dpacct delta --epsilon 0.5,1,2`, a spec whose `epsilon`
 * is a list). Each point is a full single-query result (quantity `delta`), in the order the epsilons were given.
 */
export interface DeltaCurveReport {
  readonly epsilons: readonly number[];
  readonly points: readonly AccountingResult[];
  /** the inputs, with `epsilon` the list */
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly accountant: AccountingResult['accountant'];
  /** every point's notes once, plus what holds for the curve as a whole */
  readonly notes: readonly string[];
}

// ---------------------------------------------------------------------------------------------------------
// privacy reports (`dpacct report`, `dpacct verify`): assembled by src/report/build.ts, rendered by
// src/output/report*.ts

/** A figure as reports carry it (Infinity allowed; the JSON renderer turns it into null + `infinite`). */
export interface ReportFigure {
  readonly value: number;
  readonly kind: BoundKind;
  readonly lower?: number;
  readonly upper?: number;
}

/** Everything a report was computed with: `dpacct verify` recomputes from exactly these. */
export interface ReportSettings {
  /** command-line overrides of the spec's accountant settings, as given */
  readonly overrides: {
    readonly accountant?: 'pld' | 'rdp';
    readonly discretization?: number;
    readonly samples?: number;
    readonly seed?: number;
    readonly confidence?: number;
  };
  /** the epsilons of the privacy profile delta(epsilon) */
  readonly profileEpsilons: readonly number[];
  /** at most this many points on the epsilon-per-epoch curves (evenly spread, the last always kept) */
  readonly maxEpochPoints: number;
  /** the samplers compared (default: every sampler of the registry) */
  readonly samplers?: readonly string[];
}

export interface ReportSamplerRow {
  readonly sampler: string;
  readonly figure: ReportFigure;
  /** figure / Poisson figure, where both are finite and Poisson's is > 0 */
  readonly ratioToPoisson?: number;
  readonly notes: readonly string[];
}

/** Epsilon per batch sampler for the same run (single DP-SGD stage); `reason` says why not otherwise. */
export type ReportSamplers =
  | {
      readonly applicable: true;
      readonly setting: {
        readonly noiseMultiplier: number;
        readonly stepsPerEpoch: number;
        readonly epochs: number;
        readonly delta: number;
      };
      readonly rows: readonly ReportSamplerRow[];
      /** eps at each epoch count for each sampler with a per-epoch figure (balls-and-bins only at the end) */
      readonly curves: {
        readonly epochs: readonly number[];
        readonly series: readonly { readonly sampler: string; readonly figures: readonly ReportFigure[] }[];
      };
      readonly notes: readonly string[];
    }
  | { readonly applicable: false; readonly reason: string };

export interface ReportCheckpoint {
  readonly label: string;
  /** epochs so far (axis `epochs`) or the stage number (axis `stages`) */
  readonly x: number;
  readonly steps: number;
  readonly figure: ReportFigure;
}

export interface PrivacyReport {
  readonly title: string;
  readonly description?: string;
  /** ISO 8601 */
  readonly generatedAt: string;
  readonly version: string;
  readonly spec: { readonly source: string; readonly sha256: string; readonly text: string };
  readonly settings: ReportSettings;
  /** relative precision to which every figure is recomputable (what `verify` allows) */
  readonly precision: { readonly relative: number };
  /** the spec's own query, as `dpacct run` answers it */
  readonly headline: AccountingResult;
  /** the delta at which the per-sampler, per-epoch and per-stage epsilons are given */
  readonly delta: number;
  readonly accountant: AccountingResult['accountant'];
  /** Monte Carlo settings, where a Monte Carlo figure is in the report */
  readonly monteCarlo?: { readonly samples: number; readonly seed: number; readonly confidence: number };
  readonly assumptions: readonly string[];
  readonly stages: readonly Readonly<Record<string, unknown>>[];
  readonly samplers: ReportSamplers;
  readonly epochs:
    | { readonly axis: 'epochs' | 'stages'; readonly points: readonly ReportCheckpoint[] }
    | { readonly axis: 'none'; readonly reason: string; readonly points: readonly ReportCheckpoint[] };
  readonly profile: {
    readonly points: readonly { readonly epsilon: number; readonly figure: ReportFigure }[];
    readonly notes: readonly string[];
  };
  readonly costliest: {
    readonly label: string;
    readonly figure: ReportFigure;
    readonly stages: readonly { readonly label: string; readonly figure: ReportFigure }[];
  };
}

// ---------------------------------------------------------------------------------------------------------
// DP scaling laws (accountants/scaling/, `dpacct scaling ...`): plain objects a formatter or report can draw.

/** The noise of one DP-SGD configuration and what follows from it (`dpacct scaling noise`). */
export interface ScalingNoiseResult {
  readonly epsilon: number;
  readonly delta: number;
  readonly units: number;
  readonly batchSize: number;
  readonly steps: number;
  readonly sampler: string;
  readonly accountant: string;
  /** calibrated sigma (noise std / clip norm), exact calibration of the accountant named */
  readonly noiseMultiplier: number;
  /** `sufficient` when certified by an upper bound, `necessary` when only a lower bound backs it */
  readonly guarantee: 'sufficient' | 'necessary';
  /** sigma / B: noise std on the mean clipped gradient */
  readonly noiseBatchRatio: number;
  /** q = B / N */
  readonly samplingRate: number;
  /** B T / N: expected passes over the data */
  readonly epochs: number;
  /** sigma for deterministic batches (no amplification by sampling), for comparison; Poisson only */
  readonly unamplifiedNoiseMultiplier?: number;
  readonly seqLen?: number;
  /** B S T */
  readonly tokens?: number;
  readonly modelSize?: number;
  /** 6 M B S T */
  readonly computeFlops?: number;
  /** B S T / M */
  readonly tokensPerParameter?: number;
  /** the accounting at the calibrated sigma */
  readonly accounting: AccountingResult;
  readonly notes: readonly string[];
}

/** The units N a published configuration needs (`dpacct scaling noise --sigma ...` without --units). */
export interface ScalingUnitsResult {
  readonly epsilon: number;
  readonly delta: number;
  readonly noiseMultiplier: number;
  readonly batchSize: number;
  readonly steps: number;
  readonly accountant: string;
  /** smallest N at which q = B / N meets (epsilon, delta) */
  readonly units: number;
  readonly samplingRate: number;
  readonly epochs: number;
  readonly seqLen?: number;
  /** N S: tokens the units hold */
  readonly tokensInUnits?: number;
  readonly accounting: AccountingResult;
  readonly notes: readonly string[];
}

/** One training configuration with its predicted loss. */
export interface ScalingConfiguration {
  readonly modelSize: number;
  readonly batchSize: number;
  readonly steps: number;
  readonly noiseMultiplier: number;
  readonly noiseBatchRatio: number;
  /** `exact`: sigma from a full calibration; `interpolated`: from the search's calibration grid */
  readonly noiseSource: 'exact' | 'interpolated';
  /** predicted loss (an estimate from the loss model); absent when outside its domain */
  readonly loss?: number;
  /** why the loss model cannot predict this configuration */
  readonly outsideDomain?: string;
  readonly computeFlops: number;
  readonly tokens: number;
  readonly tokensPerParameter: number;
  readonly epochs: number;
}

/** The near-optimal band: every configuration of the search within `tolerance` of the best loss. */
export interface ScalingBand {
  readonly tolerance: number;
  readonly count: number;
  readonly modelSize: { readonly min: number; readonly max: number };
  readonly batchSize: { readonly min: number; readonly max: number };
  readonly steps: { readonly min: number; readonly max: number };
  readonly loss: { readonly min: number; readonly max: number };
}

export interface ScalingSearchSummary {
  readonly modelSizes: number;
  readonly batchSizes: number;
  readonly ranked: number;
  /** configurations skipped because the loss model's domain does not cover them, by reason */
  readonly outsideDomain: Readonly<Record<string, number>>;
  /** calibrations on the (q, T) grid, and its accountant */
  readonly gridCalibrations: number;
  readonly gridAccountant: string;
  readonly seconds: number;
}

/** `dpacct scaling optimize`: the best configuration for a compute budget. */
export interface ScalingOptimizeResult {
  readonly epsilon: number;
  readonly delta: number;
  readonly units: number;
  readonly flops: number;
  readonly seqLen: number;
  readonly sampler: string;
  readonly accountant: string;
  readonly lossModel: string;
  /** the best configuration, sigma recalibrated exactly */
  readonly best: ScalingConfiguration;
  /** compute-optimal non-private model size at the same compute (about 20 tokens per parameter, Hoffmann et al. 2022) */
  readonly nonPrivateModelSize: number;
  readonly band: ScalingBand;
  /** the runners-up recalibrated exactly, best first (the best among them is `best`) */
  readonly candidates: readonly ScalingConfiguration[];
  readonly search: ScalingSearchSummary;
  readonly notes: readonly string[];
}

/** `dpacct scaling saturate`: the compute beyond which more compute hardly helps. */
export interface ScalingSaturateResult {
  readonly epsilon: number;
  readonly delta: number;
  readonly units: number;
  readonly seqLen: number;
  readonly tolerance: number;
  /** smallest compute whose best loss is within `tolerance` of the best loss at any compute searched */
  readonly saturatingFlops: number;
  readonly best: ScalingConfiguration;
  /** the best loss over all compute budgets searched */
  readonly bestLossAnyCompute: number;
  /** best loss per compute budget searched */
  readonly curve: readonly { readonly flops: number; readonly loss?: number }[];
  readonly lossModel: string;
  readonly sampler: string;
  readonly accountant: string;
  readonly notes: readonly string[];
}

/** `dpacct scaling eval`: one configuration. */
export interface ScalingEvalResult {
  readonly epsilon: number;
  readonly delta: number;
  readonly units: number;
  readonly seqLen: number;
  readonly sampler: string;
  readonly accountant: string;
  readonly lossModel: string;
  readonly configuration: ScalingConfiguration;
  readonly guarantee: 'sufficient' | 'necessary';
  readonly notes: readonly string[];
}

/** `dpacct scaling optimize --report`: the optimum at one budget beside the best loss at every budget. */
export interface ScalingReport {
  readonly optimize: ScalingOptimizeResult;
  readonly saturate: ScalingSaturateResult;
  readonly generatedAt: string;
  readonly version: string;
}
