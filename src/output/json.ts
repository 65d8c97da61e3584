/**
 * JSON output: one object per command, stable for machines (`schemaVersion`).
 *
 * Shape (every command): `schemaVersion`, `version` (dpacct), `command`, the headline figure under its
 * own name (`epsilon` or `delta`), its `kind` (upper, lower, exact, estimate), `lower` and `upper` where
 * known, `inputs`, `accountant` {name, settings}, `notes`.
 *
 * Several epsilons (`dpacct delta --epsilon 0.5,1,2`, or a spec whose `epsilon` is a list of more than one):
 * instead of the headline figure, `curve`: one `{ epsilon, delta, kind, lower, upper }` per epsilon in the
 * order given (`lower`/`upper` where known, as for a single figure), `inputs.epsilon` the list. One epsilon
 * keeps the single-figure shape.
 *
 * Infinity and NaN never appear: an infinite epsilon is `"epsilon": null` with `"infinite": true`;
 * any other non-finite number inside (details) becomes null.
 */
import type { AccountingResult, BudgetReport, CalibrationReport, ComparisonReport, DeltaCurveReport } from '../result.js';
import { OUTPUT_SCHEMA_VERSION, VERSION } from '../version.js';

function header(command: string): Record<string, unknown> {
  return { schemaVersion: OUTPUT_SCHEMA_VERSION, version: VERSION, command };
}

function finite(x: number | undefined): number | null | undefined {
  if (x === undefined) return undefined;
  return Number.isFinite(x) ? x : null;
}

function figureFields(r: AccountingResult): Record<string, unknown> {
  return {
    quantity: r.quantity,
    [r.quantity]: finite(r.value),
    ...(r.value === Infinity ? { infinite: true } : {}),
    kind: r.kind,
    ...(r.lower !== undefined ? { lower: finite(r.lower) } : {}),
    ...(r.upper !== undefined ? { upper: finite(r.upper) } : {}),
  };
}

function resultFields(r: AccountingResult): Record<string, unknown> {
  const confidence = r.details?.confidence;
  return {
    ...figureFields(r),
    ...(r.kind === 'estimate' && typeof confidence === 'number' ? { confidence } : {}),
    inputs: r.inputs,
    accountant: r.accountant,
    ...(r.details ? { details: r.details } : {}),
    notes: r.notes ?? [],
  };
}

/** JSON text; a replacer maps every non-finite number to null so the text is always valid JSON. */
export function stringify(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

export function resultJson(command: string, r: AccountingResult): Record<string, unknown> {
  return { ...header(command), ...resultFields(r) };
}

export function budgetJson(report: BudgetReport): Record<string, unknown> {
  return {
    ...header('check'),
    withinBudget: report.withinBudget,
    basis: report.basis,
    budget: report.budget,
    excess: finite(report.excess),
    ...(report.stageCosts
      ? {
          stageCosts: report.stageCosts.map((c) => ({
            label: c.label,
            epsilon: finite(c.epsilon),
            kind: c.kind,
            ...(c.epsilon === Infinity ? { infinite: true } : {}),
          })),
        }
      : {}),
    ...resultFields(report.result),
  };
}

export function calibrationJson(report: CalibrationReport): Record<string, unknown> {
  const r = report.result;
  return {
    ...header('calibrate'),
    parameter: report.parameter,
    value: report.value,
    guarantee: report.guarantee,
    target: report.target,
    evaluations: report.evaluations,
    ...figureFields(r),
    inputs: r.inputs,
    accountant: r.accountant,
    ...(r.details ? { details: r.details } : {}),
    notes: [...report.notes, ...(r.notes ?? [])],
  };
}

export function comparisonJson(report: ComparisonReport): Record<string, unknown> {
  return {
    ...header('compare'),
    quantity: report.quantity,
    samplers: report.rows.map((row) => ({
      sampler: row.sampler,
      [report.quantity]: finite(row.value),
      ...(row.value === Infinity ? { infinite: true } : {}),
      kind: row.kind,
      ...(row.lower !== undefined ? { lower: finite(row.lower) } : {}),
      ...(row.upper !== undefined ? { upper: finite(row.upper) } : {}),
      ...(row.ratioToPoisson !== undefined ? { ratioToPoisson: finite(row.ratioToPoisson) } : {}),
      ...(row.method !== undefined ? { method: row.method } : {}),
      notes: row.notes ?? [],
    })),
    inputs: report.inputs,
    notes: report.notes,
  };
}

/** The curve delta(epsilon): `curve` rows instead of one headline figure (see the shape above). */
export function deltaCurveJson(command: string, curve: DeltaCurveReport): Record<string, unknown> {
  const estimate = curve.points.find((p) => p.kind === 'estimate');
  const confidence = estimate?.details?.confidence;
  return {
    ...header(command),
    quantity: 'delta',
    curve: curve.points.map((p, i) => ({
      epsilon: curve.epsilons[i],
      delta: finite(p.value),
      kind: p.kind,
      ...(p.lower !== undefined ? { lower: finite(p.lower) } : {}),
      ...(p.upper !== undefined ? { upper: finite(p.upper) } : {}),
    })),
    ...(typeof confidence === 'number' ? { confidence } : {}),
    inputs: curve.inputs,
    accountant: curve.accountant,
    notes: curve.notes,
  };
}
