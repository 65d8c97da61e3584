/**
 * A privacy report as data (`dpacct report`): the spec's guarantee with everything a reviewer needs to
 * judge it: the assumptions and settings, epsilon for every batch sampler of the same run, epsilon after
 * each epoch, the privacy profile delta(epsilon), the costliest stage, and the provenance (dpacct version,
 * the spec and its SHA-256, the date). Rendering is src/output/report*.ts; `verify` (./verify.ts) rebuilds
 * a report from the settings it records and compares the figures.
 *
 * A consumer of the accounting layer only: every figure comes from src/spec/evaluate.ts or
 * accountants/samplers.ts with its kind, none is computed here.
 */
import { createHash } from 'node:crypto';
import type { PrivacyReport, ReportCheckpoint, ReportFigure, ReportSamplerRow, ReportSamplers, ReportSettings } from '../result.js';
import { accountDeltaCurve, accountPlan, stageCosts, type MonteCarloRun } from '../spec/evaluate.js';
import { ceilCount, planFromSpec, type AccountingPlan, type PlanStage } from '../spec/plan.js';
import type { Spec } from '../spec/schema.js';
import { parseSpec } from '../spec/validate.js';
import { VERSION } from '../version.js';
import { epochPoints, reportFigure, samplerAccountants, samplerCurves, samplerPlan } from './epochs.js';

/** Every figure of a report is recomputable to this relative precision (5 significant digits, as printed). */
export const REPORT_PRECISION = 1e-4;
/** Samplers left out unless named in `settings.samplers` (a long run's certified figure can take minutes). */
const LAST_EPOCH_ONLY: readonly string[] = ['balls-and-bins'];
/** The default number of points on the epoch curves. */
export const DEFAULT_EPOCH_POINTS = 20;
/** delta for the tables when the spec queries delta and has no budget */
const FALLBACK_DELTA = 1e-5;

export interface ReportRequest {
  readonly specText: string;
  /** a file name or `stdin`, for messages and the report */
  readonly source: string;
  readonly settings?: Partial<ReportSettings>;
  /** the report's date (default now) */
  readonly now?: Date;
  /** progress over the report's computations */
  readonly onProgress?: (done: number, total: number) => void;
  /** progress of a Monte Carlo run (balls-and-bins) */
  readonly onSampling?: MonteCarloRun['onProgress'];
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function withOverrides(spec: Spec, o: ReportSettings['overrides']): Spec {
  const entries = Object.entries(o).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return spec;
  const renamed = Object.fromEntries(entries.map(([k, v]) => [k === 'accountant' ? 'name' : k, v]));
  return { ...spec, accountant: { ...spec.accountant, ...renamed } };
}

/** epsilons around `epsilon` (1/8 to 2.8 times it, by factors of sqrt 2), 3 significant digits. */
export function profileGrid(epsilon: number): number[] {
  if (!(Number.isFinite(epsilon) && epsilon > 0)) return [0.125, 0.25, 0.5, 1, 2, 4, 8, 16];
  return Array.from({ length: 10 }, (_, i) => Number((epsilon * Math.pow(2, (i - 6) / 2)).toPrecision(3)));
}

/** The one DP-SGD setting (sigma, T, E) the samplers are compared at, or why there is none. */
function samplerSetting(
  plan: AccountingPlan,
  spec: Spec,
): { noiseMultiplier: number; stepsPerEpoch: number; epochs: number; notes: string[] } | { reason: string } {
  if (plan.stages.length !== 1)
    return {
      reason: `the spec has ${plan.stages.length} stages; batch samplers are compared for a single DP-SGD stage (see the costliest stage instead)`,
    };
  const stage = plan.stages[0];
  if (stage.sampler === 'none') return { reason: 'the stage has no batch sampler (every step sees the whole dataset)' };
  if (stage.mechanism.kind !== 'gaussian')
    return { reason: `batch samplers are compared for Gaussian (DP-SGD) stages; this one is ${stage.mechanism.kind}` };
  if (plan.adjacency === 'replace-one')
    return { reason: 'the sampler analyses assume add-remove (or zero-out) adjacency; this spec uses replace-one' };
  const noiseMultiplier = stage.mechanism.noiseMultiplier / (stage.mechanism.sensitivity ?? 1);
  const notes: string[] = [];
  if (stage.sampler !== 'poisson') return { noiseMultiplier, stepsPerEpoch: stage.stepsPerEpoch!, epochs: stage.epochs!, notes };
  // Poisson: T = ceil(expected batches per epoch), E = the spec's epochs (or the steps rounded up to whole epochs)
  const stepsPerEpoch = Math.ceil(stage.stepsPerEpoch! - 1e-9);
  const given = spec.stages[0].epochs;
  const epochs = given !== undefined && Number.isInteger(given) ? given : Math.max(1, ceilCount(stage.steps / stepsPerEpoch));
  if (stepsPerEpoch !== stage.stepsPerEpoch)
    notes.push(
      `${formatCount(stage.stepsPerEpoch!)} expected batches per epoch are counted as T = ${stepsPerEpoch} batches for the other samplers; Poisson here uses q = 1/T`,
    );
  if (given === undefined || !Number.isInteger(given))
    notes.push(`${stage.steps} steps are counted as ${epochs} whole epochs of ${stepsPerEpoch} batches`);
  return { noiseMultiplier, stepsPerEpoch, epochs, notes };
}

function formatCount(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(8)));
}

/** The stage cut after `steps` steps (batch samplers: whole epochs). */
function truncated(stage: PlanStage, steps: number): PlanStage {
  if (steps >= stage.steps) return stage;
  if (stage.sampler === 'poisson' || stage.sampler === 'none') return { ...stage, steps };
  const epochs = steps / stage.stepsPerEpoch!;
  return { ...stage, epochs, steps };
}

interface Cut {
  readonly label: string;
  readonly x: number;
  readonly stage: number;
  readonly stageSteps: number;
  readonly steps: number;
}

/** Where the run is cut for "epsilon after each epoch": every epoch when every stage has a sampler, else every stage. */
function cuts(plan: AccountingPlan): { axis: 'epochs' | 'stages'; cuts: Cut[] } {
  const all: Cut[] = [];
  let before = 0;
  if (plan.stages.some((s) => s.sampler === 'none')) {
    plan.stages.forEach((s, i) => {
      before += s.steps;
      all.push({ label: `after ${s.label}`, x: i + 1, stage: i, stageSteps: s.steps, steps: before });
    });
    return { axis: 'stages', cuts: all };
  }
  let epochsBefore = 0;
  plan.stages.forEach((s, i) => {
    const perEpoch = s.stepsPerEpoch!;
    const whole = Math.floor(s.steps / perEpoch + 1e-9);
    for (let e = 1; e <= whole; e++) {
      const stageSteps = Math.min(s.steps, ceilCount(e * perEpoch));
      all.push({ label: `epoch ${epochsBefore + e}`, x: epochsBefore + e, stage: i, stageSteps, steps: before + stageSteps });
    }
    const last = all[all.length - 1];
    if (!last || last.stage !== i || last.stageSteps < s.steps) {
      const x = epochsBefore + s.steps / perEpoch;
      all.push({ label: `end of ${s.label}`, x, stage: i, stageSteps: s.steps, steps: before + s.steps });
    }
    before += s.steps;
    // whole epochs when the stage's steps are its epochs rounded up (Poisson with a fractional T)
    const nominal = Math.round(s.steps / perEpoch);
    epochsBefore += ceilCount(nominal * perEpoch) === s.steps ? nominal : s.steps / perEpoch;
  });
  return { axis: 'epochs', cuts: all };
}

/** At most `max` of the cuts, evenly spread, the last always kept. */
function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const keep = new Set(epochPoints(items.length, max).map((i) => i - 1));
  return items.filter((_, i) => keep.has(i));
}

export async function buildReport(request: ReportRequest): Promise<PrivacyReport> {
  const overrides = request.settings?.overrides ?? {};
  const maxEpochPoints = request.settings?.maxEpochPoints ?? DEFAULT_EPOCH_POINTS;
  const spec = withOverrides(parseSpec(request.specText, request.source), overrides);
  const plan = planFromSpec(spec);
  const run: MonteCarloRun = request.onSampling ? { onProgress: request.onSampling } : {};

  const headline = await accountPlan(plan, plan.query, run);
  const delta = plan.query.quantity === 'epsilon' ? plan.query.delta : (plan.budget?.delta ?? FALLBACK_DELTA);
  const atDelta = plan.query.quantity === 'epsilon' ? headline : await accountPlan(plan, { quantity: 'epsilon', delta }, run);
  const profileEpsilons =
    request.settings?.profileEpsilons ?? (plan.epsilons && plan.epsilons.length > 1 ? [...plan.epsilons] : profileGrid(atDelta.value));

  const setting = samplerSetting(plan, spec);
  const only = request.settings?.samplers;
  const wantsMonteCarlo = overrides.samples !== undefined || spec.accountant?.samples !== undefined;
  const { axis, cuts: allCuts } = cuts(plan);
  const chosenCuts = thin(allCuts, maxEpochPoints);
  const samplerEpochs = 'reason' in setting ? [] : epochPoints(setting.epochs, maxEpochPoints);
  const total = chosenCuts.length + samplerEpochs.length + 2;
  let done = 0;
  const tick = () => request.onProgress?.(++done, total);

  // epsilon after each epoch (or stage) of the run itself
  const checkpoints: ReportCheckpoint[] = [];
  for (const c of chosenCuts) {
    const isLast = c === allCuts[allCuts.length - 1];
    const cut: AccountingPlan = {
      ...plan,
      stages: [...plan.stages.slice(0, c.stage), truncated(plan.stages[c.stage], c.stageSteps)],
      notes: [],
    };
    const r = isLast ? atDelta : await accountPlan(cut, { quantity: 'epsilon', delta });
    tick();
    checkpoints.push({ label: c.label, x: c.x, steps: c.steps, figure: reportFigure(r) });
  }

  // every sampler for the same run
  let samplers: ReportSamplers;
  const monteCarloNotes: string[] = [];
  if ('reason' in setting) samplers = { applicable: false, reason: setting.reason };
  else {
    const samplerRun = {
      noiseMultiplier: setting.noiseMultiplier,
      stepsPerEpoch: setting.stepsPerEpoch,
      delta,
      discretization: plan.accountant.discretization,
      monteCarlo: plan.accountant.monteCarlo,
    };
    const registry = await samplerAccountants(false);
    // left out by default: a long run's random-allocation PLD can take minutes per point
    const lastOnly = only ? [] : registry.filter((x) => LAST_EPOCH_ONLY.includes(x.compareAs.sampler));
    const curves = await samplerCurves(
      samplerRun,
      samplerEpochs,
      tick,
      only ?? registry.map((x) => x.compareAs.sampler).filter((x) => !LAST_EPOCH_ONLY.includes(x)),
    );
    const last = samplerEpochs.length - 1;
    const poissonSeries = curves.series.find((s) => s.sampler === 'poisson');
    const poisson = poissonSeries ? poissonSeries.figures[last].value : NaN;
    const ratio = (v: number) => (poisson > 0 && Number.isFinite(poisson) && Number.isFinite(v) ? { ratioToPoisson: v / poisson } : {});
    const rows: ReportSamplerRow[] = curves.series.map((s) => ({
      sampler: s.sampler,
      figure: s.figures[last],
      ...ratio(s.figures[last].value),
      notes: [s.note ?? KIND_NOTE[s.figures[last].kind]],
    }));
    const notes = [
      ...setting.notes,
      ...curves.skipped,
      'All samplers at the same noise multiplier, batches per epoch T and epochs E; shuffling figures are lower bounds, so the true gap to Poisson is at least the ratio shown.',
    ];
    for (const a of lastOnly)
      notes.push(
        `${a.compareAs.sampler}: not computed by default (its certified figure can take minutes for a long run); name it in --samplers to add its row and curve.`,
      );
    const monteCarloAccountants = wantsMonteCarlo
      ? (await samplerAccountants(true)).filter((a) => a.compareAs.monteCarlo && (!only || only.includes(a.compareAs.sampler)))
      : [];
    for (const a of monteCarloAccountants) {
      const sampler = a.compareAs.sampler;
      const p = samplerPlan(samplerRun, sampler, setting.epochs);
      const ok = a.supports(p);
      if (ok !== true) {
        notes.push(`${sampler} (Monte Carlo): ${ok}`);
        continue;
      }
      const f = await a.account(p, p.query, run);
      rows.push({ sampler: `${sampler} (Monte Carlo)`, figure: reportFigure(f), ...ratio(f.value), notes: f.notes ?? [] });
      monteCarloNotes.push(...(f.notes ?? []));
      notes.push(`${sampler} (Monte Carlo) is computed at the last epoch only (a Monte Carlo run per epoch would cost too much).`);
    }
    if (only) notes.push(`Samplers compared: ${only.join(', ')} (as asked).`);
    samplers = {
      applicable: true,
      setting: { noiseMultiplier: setting.noiseMultiplier, stepsPerEpoch: setting.stepsPerEpoch, epochs: setting.epochs, delta },
      rows,
      curves,
      notes,
    };
  }

  const curve = await accountDeltaCurve(plan, profileEpsilons, run);
  tick();

  const costs =
    plan.stages.length > 1
      ? (await stageCosts(plan, delta)).map((c) => ({ label: c.label, figure: reportFigure({ value: c.epsilon, kind: c.kind }) }))
      : [{ label: plan.stages[0].label, figure: reportFigure(atDelta) }];
  tick();
  const costliest = costs.reduce((a, b) => (b.figure.value > a.figure.value ? b : a));

  const monteCarlo = wantsMonteCarlo ? plan.accountant.monteCarlo : undefined;
  const assumptions = [
    ...new Set([
      ...plan.notes,
      ...(headline.notes ?? []),
      ...(atDelta === headline ? [] : (atDelta.notes ?? [])),
      ...monteCarloNotes,
      ...(plan.query.quantity === 'delta'
        ? [
            `The spec queries delta; the per-sampler, per-epoch and per-stage epsilons are given at delta = ${delta}${plan.budget ? " (the budget's delta)" : ' (no budget in the spec)'}.`,
          ]
        : []),
    ]),
  ];

  return {
    title: spec.name ?? request.source,
    ...(spec.description ? { description: spec.description } : {}),
    generatedAt: (request.now ?? new Date()).toISOString(),
    version: VERSION,
    spec: { source: request.source, sha256: sha256(request.specText), text: request.specText },
    settings: { overrides, profileEpsilons, maxEpochPoints, ...(only ? { samplers: [...only] } : {}) },
    precision: { relative: REPORT_PRECISION },
    headline,
    delta,
    accountant: headline.accountant,
    ...(monteCarlo ? { monteCarlo } : {}),
    assumptions,
    stages: (headline.inputs.stages as Record<string, unknown>[] | undefined) ?? [],
    samplers,
    epochs: { axis, points: checkpoints },
    profile: {
      points: curve.points.map((p, i) => ({ epsilon: curve.epsilons[i], figure: reportFigure(p) })),
      notes: curve.notes.filter((n) => !assumptions.includes(n)),
    },
    costliest: { label: costliest.label, figure: costliest.figure, stages: costs },
  };
}

const KIND_NOTE: Record<ReportFigure['kind'], string> = {
  exact: 'exact (closed form)',
  upper: 'certified upper bound',
  lower: 'certified lower bound; no tight upper bound is known, so the true value may be larger',
  estimate: 'Monte Carlo estimate (see its confidence)',
};
