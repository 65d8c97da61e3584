/**
 * Calibration of one parameter of a plan against a target epsilon at a delta, one-sided, through the
 * accountant registry and the one root finder (src/numeric/rootFinder.ts):
 *
 * - sigma: epsilon falls as sigma grows -> the smallest sigma whose certified upper bound meets the target;
 * - steps / epochs / sampling rate / batch size: epsilon grows with them -> the largest that meets it;
 * - an accountant that knows its noise better (a closed form, or only a certified lower bound: then the
 *   sigma is necessary, not sufficient) calibrates sigma itself (`calibrateNoise` of the contract).
 */
import { AccountingError } from '../errors.js';
import type { AccountingResult, CalibrationParameter, CalibrationReport } from '../result.js';
import { solveMonotoneAsync, type MonotoneSearch } from '../numeric/rootFinder.js';
import { allAccountants, type Accountant } from '../../accountants/index.js';
import { accountPlan, resultOf } from './evaluate.js';
import type { AccountingPlan } from '../plan.js';
import { formatInput, formatNumber } from '../numeric/format.js';

export interface CalibrationProblem {
  readonly parameter: CalibrationParameter;
  /** the plan with the parameter set to x */
  readonly build: (x: number) => AccountingPlan;
  readonly target: { readonly epsilon: number; readonly delta: number };
  /** allowed range of the parameter (inclusive) */
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
  /** where the bracket search starts */
  readonly start: number;
  /** called after each evaluation of the accountant (done of at most `total`) */
  readonly onProgress?: (done: number, total: number) => void;
  /** bounds on the search's cost: evaluations (default MAX_EVALUATIONS) and wall time (default MAX_SECONDS) */
  readonly maxEvaluations?: number;
  readonly maxSeconds?: number;
}

/** default bounds on a search: a bisection to 4 digits takes a few dozen evaluations */
export const MAX_EVALUATIONS = 200;
export const MAX_SECONDS = 120;

/** relative width of the final bracket (non-integer parameters): 4 significant digits */
const RELATIVE_TOLERANCE = 1e-4;

/** The certified upper bound on epsilon of an accounting result (refuses lower bounds and estimates). */
export function certifiedEpsilon(r: AccountingResult): number {
  if (r.upper !== undefined) return r.upper;
  if (r.kind === 'upper' || r.kind === 'exact') return r.value;
  throw new AccountingError(`calibration needs a certified upper bound, the accountant gave a ${r.kind} figure`);
}

/** The same calibration by the RDP accountant (cheap), or undefined when RDP cannot answer it. */
async function rdpHint(p: CalibrationProblem): Promise<number | undefined> {
  const { epsilon: target, delta } = p.target;
  const rdp = (x: number): AccountingPlan => {
    const plan = p.build(x);
    return { ...plan, accountant: { ...plan.accountant, name: 'rdp' } };
  };
  try {
    const found = await solveMonotoneAsync(
      {
        direction: p.parameter === 'sigma' ? 'decreasing' : 'increasing',
        target,
        lo: p.parameter === 'sigma' ? Math.max(p.min, p.start / 2) : p.start,
        hi: p.parameter === 'sigma' ? p.start : Math.min(p.max, p.start * 2),
        min: p.min,
        max: p.max,
        relTol: 1e-3,
        integer: p.integer,
        name: p.parameter,
      },
      async (x) => certifiedEpsilon(await accountPlan(rdp(x), { quantity: 'epsilon', delta })),
    );
    return found.value > p.min && found.value < p.max ? found.value : undefined;
  } catch {
    return undefined;
  }
}

/** The parameter found by a search over the certified upper bound of the plan's accountant. */
export async function calibratePlan(p: CalibrationProblem): Promise<CalibrationReport> {
  const { epsilon: target, delta } = p.target;
  let evaluations = 0;
  const results = new Map<number, AccountingResult>();
  const maxEvaluations = p.maxEvaluations ?? MAX_EVALUATIONS;
  const maxSeconds = p.maxSeconds ?? MAX_SECONDS;
  const started = Date.now();
  /** the best value that met the target so far (what a refusal says was reached) */
  let best: { x: number; epsilon: number } | undefined;
  const account = async (x: number): Promise<AccountingResult> => {
    let r = results.get(x);
    if (r === undefined) {
      const seconds = (Date.now() - started) / 1000;
      if (evaluations >= maxEvaluations || seconds > maxSeconds) {
        const reached = best
          ? `${p.parameter} = ${formatNumber(best.x)} meets it (epsilon <= ${formatNumber(best.epsilon)})`
          : `no ${p.parameter} tried met it`;
        throw new AccountingError(
          `calibration stopped after ${evaluations} evaluations in ${Math.round(seconds)} s without converging ` +
            `(bounds: ${maxEvaluations} evaluations, ${maxSeconds} s): ${reached}`,
        );
      }
      evaluations++;
      r = await accountPlan(p.build(x), { quantity: 'epsilon', delta });
      results.set(x, r);
      const epsilon = r.upper ?? r.value;
      if (epsilon <= target && (best === undefined || (p.parameter === 'sigma' ? x < best.x : x > best.x))) best = { x, epsilon };
      p.onProgress?.(evaluations, maxEvaluations);
    }
    return r;
  };
  const figure = async (x: number): Promise<number> => certifiedEpsilon(await account(x));
  const notes: string[] = [];
  const decreasing = p.parameter === 'sigma';
  let lo = decreasing ? Math.max(p.min, p.start / 2) : p.start;
  let hi = decreasing ? p.start : Math.min(p.max, p.start * 2);
  // PLD: bracket from the RDP answer first (milliseconds per evaluation). RDP's epsilon is an upper bound
  // above PLD's, so the RDP sigma nearly meets the PLD target and the PLD sigma is a little smaller (the
  // steps a little larger); the root finder widens the bracket if that guess is off.
  const hint = p.build(p.start).accountant.name === 'pld' ? await rdpHint(p) : undefined;
  if (hint !== undefined) {
    if (decreasing) [lo, hi] = [Math.max(p.min, hint * 0.85), hint];
    else [lo, hi] = [hint, Math.min(p.max, p.integer ? Math.ceil(hint * 1.5) : hint * 1.5)];
  }
  const search: MonotoneSearch = {
    direction: decreasing ? 'decreasing' : 'increasing',
    target,
    lo: Math.min(lo, hi),
    hi: Math.max(lo, hi),
    min: p.min,
    max: p.max,
    relTol: RELATIVE_TOLERANCE,
    integer: p.integer,
    name: p.parameter,
  };
  const found = await solveMonotoneAsync(search, figure).finally(() => p.onProgress?.(maxEvaluations, maxEvaluations));
  let value = found.value;
  if (decreasing && value <= p.min) notes.push(`the target is met already at the smallest ${p.parameter} tried (${p.min})`);
  if (!decreasing && value >= p.max) notes.push(`the target is met at the largest allowed ${p.parameter} (${p.max})`);
  if (p.integer) value = p.parameter === 'sigma' ? Math.ceil(value) : Math.floor(value);
  const result = await account(value);
  // one-sided: never report a value whose certified figure misses the target
  if (!(certifiedEpsilon(result) <= target))
    throw new AccountingError(
      `calibration ended at ${p.parameter} = ${formatNumber(value)} whose epsilon ${certifiedEpsilon(result)} exceeds the target ${formatInput(target)}`,
    );
  const atSearchLimit = decreasing && found.value <= p.min ? 'min' : !decreasing && found.value >= p.max ? 'max' : undefined;
  return {
    parameter: p.parameter,
    value,
    guarantee: 'sufficient',
    target: p.target,
    result,
    evaluations,
    notes,
    ...(atSearchLimit ? { atSearchLimit } : {}),
  };
}

/** The accountant that calibrates the noise of this plan itself, if any (first in registry order). */
async function noiseCalibrator(plan: AccountingPlan): Promise<Accountant | undefined> {
  for (const accountant of await allAccountants()) if (accountant.calibrateNoise && accountant.supports(plan) === true) return accountant;
  return undefined;
}

/** Sigma from an accountant's own calibration, with the accounting at that sigma. */
async function calibrateNoiseWith(accountant: Accountant, p: CalibrationProblem, probe: AccountingPlan): Promise<CalibrationReport> {
  const query = { quantity: 'epsilon', delta: p.target.delta } as const;
  const found = await accountant.calibrateNoise!(probe, p.target);
  let value = found.value;
  let evaluations = found.evaluations;
  if (found.at) {
    const result = resultOf(p.build(value), found.at.accountant, query, found.at.figure);
    return { parameter: 'sigma', value, guarantee: found.guarantee, target: p.target, result, evaluations, notes: found.notes };
  }
  let result = await accountPlan(p.build(value), query);
  // one-sided: a sufficient sigma must meet the target by the figure reported beside it; the accountant's
  // own figure and the dispatched one may differ by float rounding, so step up by a few ulps if needed
  for (let i = 0; found.guarantee === 'sufficient' && certifiedEpsilon(result) > p.target.epsilon; i++) {
    if (i >= 30)
      throw new AccountingError(`calibrated sigma ${formatNumber(value)} does not meet epsilon <= ${formatInput(p.target.epsilon)}`);
    value *= 1 + Number.EPSILON * 2 ** i;
    result = await accountPlan(p.build(value), query);
    evaluations++;
  }
  return { parameter: 'sigma', value, guarantee: found.guarantee, target: p.target, result, evaluations, notes: found.notes };
}

/**
 * The one calibration: `parameter` of the plans `build` makes, against `target`. Sigma goes to the
 * accountant's own calibration when it has one (closed forms, lower bounds), every other case to the
 * search over the certified upper bound.
 */
export async function calibrate(p: CalibrationProblem): Promise<CalibrationReport> {
  if (p.parameter === 'sigma') {
    const probe = p.build(1);
    const accountant = await noiseCalibrator(probe);
    if (accountant) return calibrateNoiseWith(accountant, p, probe);
  }
  return calibratePlan(p);
}
