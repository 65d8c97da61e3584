/**
 * Epsilon against the number of epochs for every batch sampler at the same noise and batches per epoch
 * (`dpacct report`, `dpacct compare --plot`). A consumer of the accountant registry: every accountant that
 * gives a `compare` row (`compareAs`) is asked for its sampler's one-stage plan at each epoch count, so a
 * sampler added to the registry appears here without a change. Each figure keeps its kind.
 */
import { allAccountants, type Accountant } from '../../accountants/index.js';
import type { AccountingPlan, MonteCarloSettings } from '../plan.js';
import { samplerPlan as comparePlan } from '../spec/compare.js';
import type { ReportFigure } from '../result.js';
import type { SamplerKind } from '../mechanism.js';

/** At most `max` epoch counts from 1 to `epochs`, evenly spread, always with the last (whole numbers, increasing). */
export function epochPoints(epochs: number, max: number): number[] {
  if (!(Number.isSafeInteger(epochs) && epochs >= 1)) return [];
  const n = Math.max(1, Math.floor(max));
  if (epochs <= n) return Array.from({ length: epochs }, (_, i) => i + 1);
  if (n === 1) return [epochs];
  const points = new Set<number>();
  for (let i = 0; i < n; i++) points.add(Math.round(1 + ((epochs - 1) * i) / (n - 1)));
  return [...points].sort((a, b) => a - b);
}

/** One DP-SGD stage: Gaussian noise `noiseMultiplier` (sensitivity 1), T batches per epoch, eps queried at `delta`. */
export interface SamplerRun {
  readonly noiseMultiplier: number;
  readonly stepsPerEpoch: number;
  readonly delta: number;
  /** PLD grid interval (default 1e-4) */
  readonly discretization?: number;
  /** Monte Carlo settings for the balls-and-bins row */
  readonly monteCarlo?: Partial<MonteCarloSettings>;
}

/** The one-stage plan of `sampler` over `epochs` epochs, as `compare` builds it (Poisson: q = 1/T over T*E steps). */
export function samplerPlan(run: SamplerRun, sampler: SamplerKind, epochs: number): AccountingPlan {
  return comparePlan(sampler, { ...run, epochs }, { quantity: 'epsilon', delta: run.delta });
}

/** The registry's accountants that give a sampler row, Monte Carlo ones only when asked for. */
export async function samplerAccountants(
  monteCarlo: boolean,
): Promise<(Accountant & { compareAs: NonNullable<Accountant['compareAs']> })[]> {
  return (await allAccountants()).filter(
    (a): a is Accountant & { compareAs: NonNullable<Accountant['compareAs']> } =>
      a.compareAs !== undefined && (monteCarlo || !a.compareAs.monteCarlo),
  );
}

export function reportFigure(f: { value: number; kind: ReportFigure['kind']; lower?: number; upper?: number }): ReportFigure {
  return {
    value: f.value,
    kind: f.kind,
    ...(f.lower !== undefined ? { lower: f.lower } : {}),
    ...(f.upper !== undefined ? { upper: f.upper } : {}),
  };
}

export interface SamplerCurves {
  readonly epochs: readonly number[];
  readonly series: readonly { readonly sampler: SamplerKind; readonly figures: readonly ReportFigure[]; readonly note?: string }[];
  /** samplers left out, with the accountant's reason */
  readonly skipped: readonly string[];
}

/** eps at `run.delta` after each of `epochs` epochs for every sampler of the registry (no Monte Carlo ones), or those in `only`. */
export async function samplerCurves(
  run: SamplerRun,
  epochs: readonly number[],
  onPoint?: (done: number, total: number) => void,
  /** only these samplers (default: every sampler of the registry) */
  only?: readonly string[],
): Promise<SamplerCurves> {
  const accountants = (await samplerAccountants(false)).filter((a) => !only || only.includes(a.compareAs.sampler));
  const series: { sampler: SamplerKind; figures: ReportFigure[]; note?: string }[] = [];
  const skipped: string[] = [];
  for (const a of accountants) {
    const last = samplerPlan(run, a.compareAs.sampler, epochs[epochs.length - 1]);
    const ok = a.supports(last);
    if (ok !== true) skipped.push(`${a.compareAs.sampler}: ${ok}`);
    else series.push({ sampler: a.compareAs.sampler, figures: [], ...(a.compareAs.note ? { note: a.compareAs.note } : {}) });
  }
  const byName = new Map(accountants.map((a) => [a.compareAs.sampler, a]));
  for (let i = 0; i < epochs.length; i++) {
    for (const s of series) {
      const plan = samplerPlan(run, s.sampler, epochs[i]);
      s.figures.push(reportFigure(await byName.get(s.sampler)!.account(plan, plan.query)));
    }
    onPoint?.(i + 1, epochs.length);
  }
  return { epochs: [...epochs], series, skipped };
}
