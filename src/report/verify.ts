/**
 * `dpacct verify REPORT.json`: does a saved report still hold? The report is read back (a damaged one,
 * not JSON, missing its spec or settings, or whose spec text no longer matches its SHA-256, is refused),
 * recomputed from its embedded spec with its recorded settings (./build.ts), and every figure of the
 * saved JSON is compared with the recomputed JSON at the report's stated relative precision.
 *
 * Figures are found structurally: any object with a bound `kind` and a `value` (number, or null when
 * infinite) is one, named by its JSON path; `lower` and `upper` beside it are compared too.
 */
import { z } from 'zod';
import type { BoundKind, ReportSettings } from '../result.js';
import { REPORT_FORMAT } from '../version.js';
import { sha256 } from './build.js';

const KINDS: readonly BoundKind[] = ['upper', 'lower', 'exact', 'estimate'];

/** The report is not one dpacct wrote, or was changed where it cannot be recomputed. */
export class DamagedReportError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'DamagedReportError';
  }
}

const finiteNumber = z.number().refine(Number.isFinite);
const storedSchema = z.object({
  format: z.literal(REPORT_FORMAT),
  schemaVersion: z.literal(1),
  version: z.string(),
  spec: z.object({ source: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), text: z.string() }),
  settings: z.object({
    overrides: z
      .object({
        accountant: z.enum(['pld', 'rdp']).optional(),
        discretization: finiteNumber.optional(),
        samples: finiteNumber.optional(),
        seed: finiteNumber.optional(),
        confidence: finiteNumber.optional(),
      })
      .strict(),
    profileEpsilons: z.array(finiteNumber.min(0)).min(1),
    maxEpochPoints: z.number().int().min(1),
    samplers: z.array(z.string()).min(1).optional(),
  }),
  precision: z.object({ relative: finiteNumber.min(0).max(1) }),
  headline: z
    .object({ figure: z.object({ value: z.number().nullable(), kind: z.enum(['upper', 'lower', 'exact', 'estimate']) }).passthrough() })
    .passthrough(),
});

export interface StoredReport {
  readonly json: unknown;
  readonly version: string;
  readonly specText: string;
  readonly source: string;
  readonly settings: ReportSettings;
  readonly precision: number;
}

/** Reads a saved JSON report; DamagedReportError names every problem. */
export function readStoredReport(text: string): StoredReport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DamagedReportError([`not valid JSON (${(e as Error).message})`]);
  }
  const parsed = storedSchema.safeParse(json);
  if (!parsed.success)
    throw new DamagedReportError(parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`));
  const r = parsed.data;
  if (sha256(r.spec.text) !== r.spec.sha256)
    throw new DamagedReportError(['spec.text: does not match spec.sha256 (the embedded spec was changed)']);
  return {
    json,
    version: r.version,
    specText: r.spec.text,
    source: r.spec.source,
    settings: r.settings as ReportSettings,
    precision: r.precision.relative,
  };
}

export interface FigureAt {
  readonly path: string;
  readonly value: number | null;
  readonly kind: string;
  readonly lower?: number | null;
  readonly upper?: number | null;
}

/** Every figure of a report's JSON, by path. */
export function reportFigures(json: unknown): Map<string, FigureAt> {
  const out = new Map<string, FigureAt>();
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        const o = item as Record<string, unknown> | null;
        const name = o && typeof o === 'object' ? (o.sampler ?? o.label ?? o.epsilon) : undefined;
        walk(item, `${path}[${i}]${name !== undefined ? `(${String(name)})` : ''}`);
      });
      return;
    }
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (
      typeof o.kind === 'string' &&
      (KINDS as readonly string[]).includes(o.kind) &&
      'value' in o &&
      (typeof o.value === 'number' || o.value === null)
    ) {
      out.set(path, {
        path,
        value: o.value as number | null,
        kind: o.kind,
        ...(o.lower !== undefined ? { lower: o.lower as number | null } : {}),
        ...(o.upper !== undefined ? { upper: o.upper as number | null } : {}),
      });
      return;
    }
    for (const [k, child] of Object.entries(o)) walk(child, path ? `${path}.${k}` : k);
  };
  walk(json, '');
  return out;
}

export interface MovedFigure {
  readonly path: string;
  readonly field: 'value' | 'lower' | 'upper' | 'kind' | 'missing';
  readonly stored: unknown;
  readonly recomputed: unknown;
}

function moved(a: number | null | undefined, b: number | null | undefined, precision: number): boolean {
  if (a === undefined && b === undefined) return false;
  if (a === null || b === null || a === undefined || b === undefined) return a !== b;
  if (a === b) return false;
  if (typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b)) return true;
  return Math.abs(a - b) > precision * Math.max(Math.abs(a), Math.abs(b));
}

/** The stored figures that moved beyond `precision` (relative) in the recomputation, or are gone. */
export function compareFigures(stored: Map<string, FigureAt>, recomputed: Map<string, FigureAt>, precision: number): MovedFigure[] {
  const out: MovedFigure[] = [];
  for (const [path, s] of stored) {
    const r = recomputed.get(path);
    if (!r) {
      out.push({ path, field: 'missing', stored: s.value, recomputed: undefined });
      continue;
    }
    if (s.kind !== r.kind) out.push({ path, field: 'kind', stored: s.kind, recomputed: r.kind });
    for (const field of ['value', 'lower', 'upper'] as const)
      if (moved(s[field], r[field], precision)) out.push({ path, field, stored: s[field], recomputed: r[field] });
  }
  return out;
}
