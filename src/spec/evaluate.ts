/**
 * AccountingPlan -> AccountingResult: runs the chosen accountant on the plan's stages. No I/O.
 *
 * - `pld` (default): accountants/pld.ts, a certified upper bound (or the closed form for plain Gaussians)
 *   with a certified lower bound beside it.
 * - `rdp`: accountants/rdp.ts, a looser certified upper bound.
 * Stages with a shuffle or balls-and-bins sampler have no certified upper bound to compose; they go to
 * the sampler accountants (accountants/samplers.ts) and only as a single stage.
 */
import { AccountingError } from '../errors.js';
import type { Stage } from '../mechanism.js';
import type { AccountingResult, BoundKind } from '../result.js';
import { pldEpsilon, pldDelta, type PldFigure } from '../../accountants/pld.js';
import { rdpEpsilon, rdpDelta } from '../../accountants/rdp.js';
import { engineStage, type AccountingPlan, type PlanStage, type Query } from './plan.js';

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

/** How the inputs appear in results (JSON `inputs`). */
export function describeInputs(plan: AccountingPlan, query: Query): Record<string, unknown> {
  return {
    ...(query.quantity === 'epsilon' ? { delta: query.delta } : { epsilon: query.epsilon }),
    adjacency: plan.adjacency,
    privacyUnit: plan.privacyUnit,
    stages: plan.stages.map((s) => ({
      label: s.label,
      mechanism: s.mechanism,
      sampler: s.sampler,
      ...(s.poissonRate !== undefined ? { samplingRate: s.poissonRate } : {}),
      ...(s.stepsPerEpoch !== undefined ? { stepsPerEpoch: s.stepsPerEpoch } : {}),
      ...(s.epochs !== undefined ? { epochs: s.epochs } : {}),
      steps: s.steps,
    })),
  };
}

function accountantSettings(plan: AccountingPlan): Record<string, unknown> {
  return plan.accountant.name === 'pld'
    ? { discretization: plan.accountant.discretization, adjacency: plan.adjacency }
    : { adjacency: plan.adjacency };
}

function fromPld(figure: PldFigure): { value: number; kind: BoundKind; lower?: number; upper?: number; details: Record<string, unknown> } {
  return {
    value: figure.upper,
    kind: figure.kind,
    upper: figure.upper,
    ...(figure.kind === 'exact' ? { lower: figure.upper } : figure.lower > 0 ? { lower: figure.lower } : {}),
    details: { remove: figure.remove, add: figure.add, ...figure.details },
  };
}

/** The headline figure of `plan` for `query` (default: the plan's own query). */
export function accountPlan(plan: AccountingPlan, query: Query = plan.query): AccountingResult {
  const stages = engineStages(plan);
  const notes = [...plan.notes];
  let figure: { value: number; kind: BoundKind; lower?: number; upper?: number; details: Record<string, unknown> };
  if (plan.accountant.name === 'pld') {
    const options = { discretization: plan.accountant.discretization, adjacency: plan.adjacency };
    figure = fromPld(
      query.quantity === 'epsilon' ? pldEpsilon(stages, query.delta, options) : pldDelta(stages, query.epsilon, options),
    );
  } else {
    const options = { adjacency: plan.adjacency };
    if (query.quantity === 'epsilon') {
      const r = rdpEpsilon(stages, query.delta, options);
      figure = { value: r.epsilon, kind: 'upper', upper: r.epsilon, details: { order: r.order } };
    } else {
      const r = rdpDelta(stages, query.epsilon, options);
      figure = { value: r.delta, kind: 'upper', upper: r.delta, details: { order: r.order } };
    }
  }
  if (!(figure.value >= 0)) throw new AccountingError(`the ${plan.accountant.name} accountant returned ${figure.value}`);
  if (query.quantity === 'epsilon' && figure.value === Infinity)
    notes.push(`no finite epsilon at delta = ${query.delta}: some step's own delta or tail mass exceeds it`);
  return {
    quantity: query.quantity,
    value: figure.value,
    kind: figure.kind,
    ...(figure.lower !== undefined ? { lower: figure.lower } : {}),
    ...(figure.upper !== undefined ? { upper: figure.upper } : {}),
    inputs: describeInputs(plan, query),
    accountant: { name: plan.accountant.name, settings: accountantSettings(plan) },
    details: figure.details,
    notes,
  };
}

export interface StageCost {
  readonly label: string;
  readonly epsilon: number;
  readonly kind: BoundKind;
}

/** Each stage's epsilon alone at `delta` (for saying which stage costs most). */
export function stageCosts(plan: AccountingPlan, delta: number): StageCost[] {
  return plan.stages.map((stage) => {
    const alone: AccountingPlan = { ...plan, stages: [stage], notes: [] };
    const r = accountPlan(alone, { quantity: 'epsilon', delta });
    return { label: stage.label, epsilon: r.value, kind: r.kind };
  });
}

export interface BudgetCheck {
  readonly withinBudget: boolean;
  readonly budget: { readonly epsilon: number; readonly delta: number };
  /** the composed epsilon at the budget's delta; its upper bound is what is compared */
  readonly result: AccountingResult;
  /** upper bound minus budget (positive when over) */
  readonly excess: number;
  /** per-stage epsilons, computed only when over budget and there are several stages */
  readonly stageCosts?: readonly StageCost[];
}

/** The CI gate: is the certified upper bound on epsilon at budget.delta within budget.epsilon? */
export function checkBudget(plan: AccountingPlan, budget: { epsilon: number; delta: number }): BudgetCheck {
  const result = accountPlan(plan, { quantity: 'epsilon', delta: budget.delta });
  const upper = result.upper ?? (result.kind === 'upper' || result.kind === 'exact' ? result.value : undefined);
  if (upper === undefined)
    throw new AccountingError(`no certified upper bound on epsilon for this spec (${result.kind} only); cannot check a budget`);
  const withinBudget = upper <= budget.epsilon;
  return {
    withinBudget,
    budget,
    result,
    excess: upper - budget.epsilon,
    ...(withinBudget ? {} : { stageCosts: stageCosts(plan, budget.delta) }),
  };
}

export type { PlanStage };
