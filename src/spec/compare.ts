/**
 * `compare`: one Gaussian stage under every sampler that has an accountant, at the same noise, T steps per
 * epoch and E epochs: a loop over the registry (each accountant names the sampler its row stands for), with
 * each figure's kind and its ratio to the Poisson figure (q = 1/T over T*E steps).
 */
import type { AccountOptions } from '../../accountants/index.js';
import { allAccountants } from '../../accountants/index.js';
import type { AccountingPlan, AllocationMethod, MonteCarloSettings, PlanStage, Query } from '../plan.js';
import type { ComparisonRow } from '../result.js';
import type { SamplerKind } from '../mechanism.js';
import { DEFAULT_DISCRETIZATION, DEFAULT_MONTE_CARLO } from './plan.js';

export interface ComparisonSetting {
  readonly noiseMultiplier: number;
  readonly stepsPerEpoch: number;
  readonly epochs: number;
  /** PLD grid interval; default 1e-4 */
  readonly discretization?: number;
  /** how the balls-and-bins row is bounded (default pld) */
  readonly method?: AllocationMethod;
  /** Monte Carlo settings: the Monte Carlo rows (balls-and-bins) appear only when given */
  readonly monteCarlo?: Partial<MonteCarloSettings>;
}

/** The one-stage plan of `sampler` at the setting (Poisson: q = 1/T over T*E steps). */
export function samplerPlan(sampler: SamplerKind, o: ComparisonSetting, query: Query): AccountingPlan {
  const T = o.stepsPerEpoch;
  const base = {
    label: 'stages[0]',
    mechanism: { kind: 'gaussian', noiseMultiplier: o.noiseMultiplier } as const,
    stepsPerEpoch: T,
    steps: T * o.epochs,
  };
  const stage: PlanStage = sampler === 'poisson' ? { ...base, sampler, poissonRate: 1 / T } : { ...base, sampler, epochs: o.epochs };
  return {
    stages: [stage],
    adjacency: 'add-remove',
    privacyUnit: 'example',
    query,
    accountant: {
      name: 'pld',
      discretization: o.discretization ?? DEFAULT_DISCRETIZATION,
      ...(sampler === 'balls-and-bins' && o.method !== undefined ? { method: o.method } : {}),
      monteCarlo: { ...DEFAULT_MONTE_CARLO, ...o.monteCarlo, requested: o.monteCarlo !== undefined },
    },
    notes: [],
  };
}

/** The smallest positive double with full precision (2^-1022). */
const SMALLEST_NORMAL = 2 ** -1022;

/** Every sampler's figure for `query`, in registry order, each with its ratio to the Poisson figure. */
export async function compareSamplerRows(o: ComparisonSetting, query: Query, options: AccountOptions = {}): Promise<ComparisonRow[]> {
  const rows: (ComparisonRow & { readonly samplerKind: SamplerKind })[] = [];
  for (const accountant of await allAccountants()) {
    const as = accountant.compareAs;
    if (as === undefined || (as.monteCarlo && o.monteCarlo === undefined)) continue;
    const plan = samplerPlan(as.sampler, o, query);
    if (accountant.supports(plan) !== true) continue;
    const f = await accountant.account(plan, query, options);
    rows.push({
      samplerKind: as.sampler,
      sampler: as.sampler,
      value: f.value,
      kind: f.kind,
      ...(f.lower !== undefined ? { lower: f.lower } : {}),
      ...(f.upper !== undefined ? { upper: f.upper } : {}),
      ...(typeof f.details.methodName === 'string' ? { method: f.details.methodName } : {}),
      notes: [...(f.notes ?? []), ...(as.note ? [as.note] : [])],
    });
  }
  const poisson = rows.find((r) => r.samplerKind === 'poisson')?.value;
  // a ratio says something only between two figures in float64's normal range: a subnormal figure (a delta
  // bounded by the float floor, 5e-324) has lost its digits, and a ratio against it reads "x0" or "x1e300"
  const meaningful = (x: number | undefined): x is number => x !== undefined && x >= SMALLEST_NORMAL && Number.isFinite(x);
  return rows.map(({ samplerKind: _, ...row }) => {
    const ok = meaningful(poisson) && meaningful(row.value);
    return ok ? { ...row, ratioToPoisson: row.value / poisson } : row;
  });
}
