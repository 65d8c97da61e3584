/**
 * A privacy report as one JSON object (`dpacct report --format json`), the form `dpacct verify` reads back.
 *
 * Shape: `format` ("dpacct-privacy-report"), `schemaVersion`, `version`, `command` ("report"), `title`,
 * `generatedAt`, `spec` {source, sha256, text: the spec exactly as read}, `settings` (what verify
 * recomputes with), `precision`, `guarantee` (the sentence), `headline` {quantity, figure, inputs,
 * accountant, details, notes}, `delta`, `assumptions`, `stages`, `samplers`, `epochs`, `profile`,
 * `costliest`. Every figure is `{ value, kind, lower?, upper? }` with `value: null, infinite: true` for an
 * infinite one; no NaN or Infinity anywhere.
 */
import type { PrivacyReport, ReportFigure } from '../result.js';
import { OUTPUT_SCHEMA_VERSION, REPORT_FORMAT } from '../version.js';
import { stringify } from './json.js';
import { guaranteeSentence } from './reportText.js';

export function figureJson(f: ReportFigure): Record<string, unknown> {
  return {
    value: Number.isFinite(f.value) ? f.value : null,
    ...(f.value === Infinity ? { infinite: true } : {}),
    kind: f.kind,
    ...(f.lower !== undefined ? { lower: f.lower } : {}),
    ...(f.upper !== undefined ? { upper: f.upper } : {}),
  };
}

export function reportJson(report: PrivacyReport): Record<string, unknown> {
  const h = report.headline;
  const samplers = report.samplers.applicable
    ? {
        applicable: true,
        setting: report.samplers.setting,
        rows: report.samplers.rows.map((r) => ({
          sampler: r.sampler,
          figure: figureJson(r.figure),
          ...(r.ratioToPoisson !== undefined ? { ratioToPoisson: r.ratioToPoisson } : {}),
          notes: r.notes,
        })),
        curves: {
          epochs: report.samplers.curves.epochs,
          series: report.samplers.curves.series.map((s) => ({ sampler: s.sampler, figures: s.figures.map(figureJson) })),
        },
        notes: report.samplers.notes,
      }
    : report.samplers;
  return {
    format: REPORT_FORMAT,
    schemaVersion: OUTPUT_SCHEMA_VERSION,
    version: report.version,
    command: 'report',
    title: report.title,
    ...(report.description ? { description: report.description } : {}),
    generatedAt: report.generatedAt,
    spec: report.spec,
    settings: report.settings,
    precision: report.precision,
    guarantee: guaranteeSentence(report),
    headline: {
      quantity: h.quantity,
      figure: figureJson(h),
      inputs: h.inputs,
      accountant: h.accountant,
      ...(h.details ? { details: h.details } : {}),
      notes: h.notes ?? [],
    },
    delta: report.delta,
    accountant: report.accountant,
    ...(report.monteCarlo ? { monteCarlo: report.monteCarlo } : {}),
    assumptions: report.assumptions,
    stages: report.stages,
    samplers,
    epochs: { ...report.epochs, points: report.epochs.points.map((p) => ({ ...p, figure: figureJson(p.figure) })) },
    profile: {
      points: report.profile.points.map((p) => ({ epsilon: p.epsilon, figure: figureJson(p.figure) })),
      notes: report.profile.notes,
    },
    costliest: {
      label: report.costliest.label,
      figure: figureJson(report.costliest.figure),
      stages: report.costliest.stages.map((s) => ({ label: s.label, figure: figureJson(s.figure) })),
    },
  };
}

export function reportJsonText(report: PrivacyReport): string {
  return stringify(reportJson(report));
}
