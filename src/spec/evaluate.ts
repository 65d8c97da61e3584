/**
 * AccountingPlan -> AccountingResult through the accountant registry (accountants/index.ts): the accountant
 * the plan names (pld by default, or rdp) when it supports the plan, else the first registered accountant
 * that does (one shuffled or balls-and-bins stage goes to its sampler's accountant). No I/O, no sampler names.
 */
import { AccountingError, InputError } from '../errors.js';
import type { AccountingResult, BudgetReport, DeltaCurveReport, Figure, StageCostView } from '../result.js';
import { accountantFor, type Accountant, type AccountOptions } from '../../accountants/index.js';
import { guardFigure } from '../guard.js';
import type { AccountingPlan, PlanStage, Query } from '../plan.js';
import { formatInput } from '../numeric/format.js';
export { engineStages } from '../plan.js';
export type { PlanStage };

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
      ...(s.stepsPerEpoch !== undefined && Number.isFinite(s.stepsPerEpoch) ? { stepsPerEpoch: s.stepsPerEpoch } : {}),
      ...(s.epochs !== undefined ? { epochs: s.epochs } : {}),
      steps: s.steps,
    })),
  };
}

/** A Figure of `accountant` as the result of `query` on `plan` (with the plan's notes and the inputs). */
function asResult(plan: AccountingPlan, accountant: Accountant, query: Query, figure: Figure): AccountingResult {
  return resultOf(plan, accountant.describe(plan), query, figure);
}

/** A Figure as the result of `query` on `plan`, from the accountant described (name and settings). */
export function resultOf(
  plan: AccountingPlan,
  accountant: AccountingResult['accountant'],
  query: Query,
  computed: Figure,
): AccountingResult {
  // every figure passes here: a NaN (or crossed bounds) ends as a refusal, never as a number
  const figure = guardFigure(computed, `${query.quantity} (${accountant.name} accountant)`);
  const notes = [...plan.notes, ...(figure.notes ?? [])];
  if (query.quantity === 'epsilon' && figure.value === Infinity)
    notes.push(`no finite epsilon at delta = ${formatInput(query.delta)}: some step's own delta or tail mass exceeds it`);
  return {
    quantity: query.quantity,
    value: figure.value,
    kind: figure.kind,
    ...(figure.lower !== undefined ? { lower: figure.lower } : {}),
    ...(figure.upper !== undefined ? { upper: figure.upper } : {}),
    inputs: describeInputs(plan, query),
    accountant,
    details: figure.details,
    notes,
  };
}

/** Answers many queries on one plan with one accountant (a PLD composition is built once and reused). */
export interface PlanAccountant {
  readonly accountant: Accountant;
  account(query: Query, options?: AccountOptions): Promise<AccountingResult>;
  /** several queries sharing the expensive part (one Monte Carlo run for a delta curve) */
  accountMany(queries: readonly Query[], options?: AccountOptions): Promise<AccountingResult[]>;
}

export async function planAccountant(plan: AccountingPlan): Promise<PlanAccountant> {
  const accountant = await accountantFor(plan);
  return {
    accountant,
    account: async (query, options = {}) => asResult(plan, accountant, query, await accountant.account(plan, query, options)),
    async accountMany(queries, options = {}) {
      const figures = accountant.accountMany
        ? await accountant.accountMany(plan, queries, options)
        : await Promise.all(queries.map((q) => accountant.account(plan, q, options)));
      return figures.map((f, i) => asResult(plan, accountant, queries[i], f));
    },
  };
}

/** The headline figure of `plan` for `query` (default: the plan's own query). */
export async function accountPlan(
  plan: AccountingPlan,
  query: Query = plan.query,
  options: AccountOptions = {},
): Promise<AccountingResult> {
  return (await planAccountant(plan)).account(query, options);
}

/** The epsilons of a curve: a non-empty list of finite numbers >= 0. */
function checkCurveEpsilons(epsilons: readonly number[]): void {
  if (!Array.isArray(epsilons) || epsilons.length === 0) throw new InputError('epsilons', 'a non-empty list of numbers >= 0', epsilons);
  for (const e of epsilons)
    if (!(typeof e === 'number' && Number.isFinite(e) && e >= 0)) throw new InputError('epsilons', 'finite numbers >= 0', e);
}

function deltaCurve(plan: AccountingPlan, epsilons: readonly number[], points: readonly AccountingResult[]): DeltaCurveReport {
  const notes = [...new Set(points.flatMap((p) => p.notes ?? []))];
  const estimate = points.find((p) => p.kind === 'estimate');
  const confidence = estimate?.details?.confidence;
  if (estimate && points.length > 1 && typeof confidence === 'number') {
    // union bound over the points, whatever the dependence between them (they share samples)
    const joint = 1 - points.length * (1 - confidence);
    // shown rounded down to 4 decimals (the slack only absorbs float error in 1 - k (1 - c))
    notes.push(
      `Each Monte Carlo figure holds with probability at least ${confidence} on its own; ` +
        (joint > 0
          ? `all ${points.length} together with probability at least ${Math.floor(joint * 1e4 + 1e-9) / 1e4} (union bound).`
          : `the union bound gives no joint guarantee for all ${points.length} (raise accountant.confidence).`),
    );
  }
  return {
    epsilons: [...epsilons],
    points,
    inputs: { ...describeInputs(plan, { quantity: 'delta', epsilon: epsilons[0] }), epsilon: [...epsilons] },
    accountant: points[0].accountant,
    notes,
  };
}

/**
 * delta at each of `epsilons` (in the order given), from one accountant: one PLD composition queried per
 * epsilon, one Monte Carlo run shared by all of them.
 */
export async function accountDeltaCurve(
  plan: AccountingPlan,
  epsilons: readonly number[],
  options: AccountOptions = {},
): Promise<DeltaCurveReport> {
  checkCurveEpsilons(epsilons);
  const accountant = await planAccountant(plan);
  return deltaCurve(
    plan,
    epsilons,
    await accountant.accountMany(
      epsilons.map((epsilon) => ({ quantity: 'delta', epsilon })),
      options,
    ),
  );
}

/** One stage's epsilon alone (the type src/output renders). */
export type StageCost = StageCostView;

/** Each stage's epsilon alone at `delta` (for saying which stage costs most). */
export async function stageCosts(plan: AccountingPlan, delta: number): Promise<StageCost[]> {
  const costs: StageCost[] = [];
  for (const stage of plan.stages) {
    const alone: AccountingPlan = { ...plan, stages: [stage], notes: [] };
    const r = await accountPlan(alone, { quantity: 'epsilon', delta });
    costs.push({ label: stage.label, epsilon: r.value, kind: r.kind });
  }
  return costs;
}

/** The outcome of a budget check (the report src/output renders). */
export type BudgetCheck = BudgetReport;

/**
 * The CI gate: is the certified upper bound on epsilon at budget.delta within budget.epsilon? A Monte Carlo
 * estimate never decides it: its certified upper bound does. When several stages exceed the budget
 * together, each stage's own epsilon says which costs most.
 */
export async function checkBudget(
  plan: AccountingPlan,
  budget: { epsilon: number; delta: number },
  options: AccountOptions = {},
): Promise<BudgetCheck> {
  const result = await accountPlan(plan, { quantity: 'epsilon', delta: budget.delta }, options);
  const upper = result.upper ?? (result.kind === 'upper' || result.kind === 'exact' ? result.value : undefined);
  if (upper === undefined) {
    // only a lower bound: it can prove the budget is exceeded, never that it is met
    if (result.lower !== undefined && result.lower > budget.epsilon)
      return { withinBudget: false, basis: 'lower', budget, result, excess: result.lower - budget.epsilon };
    throw new AccountingError(
      `no certified upper bound on epsilon for this spec (only a ${result.kind} bound, ${result.value} at delta = ${budget.delta}, which is within the budget); ` +
        'cannot certify the budget: use a sampler with an upper bound (poisson, deterministic)',
    );
  }
  const withinBudget = upper <= budget.epsilon;
  return {
    withinBudget,
    basis: 'upper',
    budget,
    result,
    excess: upper - budget.epsilon,
    ...(withinBudget || plan.stages.length < 2 ? {} : { stageCosts: await stageCosts(plan, budget.delta) }),
  };
}

/** Progress reporting for long work (Monte Carlo); the same options every accountant takes. */
export type MonteCarloRun = AccountOptions;

/** @deprecated every function here is asynchronous now; these names remain for callers written before. */
export const accountPlanAsync = accountPlan;
export const accountDeltaCurveAsync = accountDeltaCurve;
export const checkBudgetAsync = checkBudget;
