/**
 * Calibration of one parameter of a plan against a target epsilon at a delta, one-sided: the reported
 * value's certified upper bound meets the target (so the value is sufficient). Bracketing is done here;
 * the root finding is src/calibrate.ts.
 *
 * - sigma: epsilon falls as sigma grows -> the smallest sigma that meets the target.
 * - steps / epochs / sampling rate / batch size: epsilon grows with them -> the largest that meets it.
 */
import { AccountingError } from '../errors.js';
import type { AccountingResult } from '../result.js';
import { calibrateDecreasing, calibrateIncreasing } from '../calibrate.js';
import type { CalibrationParameter, CalibrationReport } from '../result.js';
import { samplerCalibrateNoise } from '../../accountants/samplers.js';
import { accountPlan, describeInputs } from './evaluate.js';
import type { AccountingPlan } from './plan.js';

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
}

/** relative width of the final bracket (non-integer parameters): 4 significant digits */
const RELATIVE_TOLERANCE = 1e-4;

/** The certified upper bound on epsilon of an accounting result (refuses lower bounds and estimates). */
export function certifiedEpsilon(r: AccountingResult): number {
  if (r.upper !== undefined) return r.upper;
  if (r.kind === 'upper' || r.kind === 'exact') return r.value;
  throw new AccountingError(`calibration needs a certified upper bound, the accountant gave a ${r.kind} figure`);
}

/** The same calibration by the RDP accountant (cheap), or undefined when RDP cannot answer it. */
function rdpHint(p: CalibrationProblem): number | undefined {
  const { epsilon: target, delta } = p.target;
  const rdp = (x: number): AccountingPlan => {
    const plan = p.build(x);
    return { ...plan, accountant: { ...plan.accountant, name: 'rdp' } };
  };
  try {
    const found = (p.parameter === 'sigma' ? calibrateDecreasing : calibrateIncreasing)({
      figure: (x) => certifiedEpsilon(accountPlan(rdp(x), { quantity: 'epsilon', delta })),
      target,
      lo: p.parameter === 'sigma' ? Math.max(p.min, p.start / 2) : p.start,
      hi: p.parameter === 'sigma' ? p.start : Math.min(p.max, p.start * 2),
      min: p.min,
      max: p.max,
      relTol: 1e-3,
      integer: p.integer,
      name: p.parameter,
    });
    return found.value > p.min && found.value < p.max ? found.value : undefined;
  } catch {
    return undefined;
  }
}

export function calibratePlan(p: CalibrationProblem): CalibrationReport {
  const { epsilon: target, delta } = p.target;
  let evaluations = 0;
  const results = new Map<number, AccountingResult>();
  const account = (x: number): AccountingResult => {
    let r = results.get(x);
    if (r === undefined) {
      evaluations++;
      r = accountPlan(p.build(x), { quantity: 'epsilon', delta });
      results.set(x, r);
    }
    return r;
  };
  const figure = (x: number): number => certifiedEpsilon(account(x));
  const notes: string[] = [];
  const decreasing = p.parameter === 'sigma';
  let lo = decreasing ? Math.max(p.min, p.start / 2) : p.start;
  let hi = decreasing ? p.start : Math.min(p.max, p.start * 2);
  // PLD: bracket from the RDP answer first (milliseconds per evaluation). RDP's epsilon is an upper bound
  // above PLD's, so the RDP sigma nearly meets the PLD target and the PLD sigma is a little smaller (the
  // steps a little larger); the root finder widens the bracket if that guess is off.
  const hint = p.build(p.start).accountant.name === 'pld' ? rdpHint(p) : undefined;
  if (hint !== undefined) {
    if (decreasing) [lo, hi] = [Math.max(p.min, hint * 0.85), hint];
    else [lo, hi] = [hint, Math.min(p.max, p.integer ? Math.ceil(hint * 1.5) : hint * 1.5)];
  }
  const found = (decreasing ? calibrateDecreasing : calibrateIncreasing)({
    figure,
    target,
    lo: Math.min(lo, hi),
    hi: Math.max(lo, hi),
    min: p.min,
    max: p.max,
    relTol: RELATIVE_TOLERANCE,
    integer: p.integer,
    name: p.parameter,
  });
  let value = found.value;
  if (decreasing && value <= p.min) notes.push(`the target is met already at the smallest ${p.parameter} tried (${p.min})`);
  if (!decreasing && value >= p.max) notes.push(`the target is met at the largest allowed ${p.parameter} (${p.max})`);
  if (p.integer) value = p.parameter === 'sigma' ? Math.ceil(value) : Math.floor(value);
  const result = account(value);
  // one-sided: never report a value whose certified figure misses the target
  if (!(certifiedEpsilon(result) <= target))
    throw new AccountingError(`calibration ended at ${p.parameter} = ${value} whose epsilon ${certifiedEpsilon(result)} exceeds the target ${target}`);
  return { parameter: p.parameter, value, guarantee: 'sufficient', target: p.target, result, evaluations, notes };
}

/** A Gaussian stage's sensitivity in clip norms (1 for other mechanisms). */
function gaussianSensitivity(stage: AccountingPlan['stages'][number]): number {
  return stage.mechanism.kind === 'gaussian' ? (stage.mechanism.sensitivity ?? 1) : 1;
}

/**
 * Noise for a single stage with a fixed-batch sampler (deterministic, shuffle, persistent-shuffle) through
 * accountants/samplers.ts: exact (deterministic: sufficient) or from a certified lower bound (shuffling:
 * necessary, the sufficient sigma may be larger).
 */
export function calibrateSamplerNoise(o: {
  readonly build: (sigma: number) => AccountingPlan;
  readonly target: { readonly epsilon: number; readonly delta: number };
}): CalibrationReport {
  const probe = o.build(1);
  const stage = probe.stages[0];
  if (probe.stages.length !== 1 || !['deterministic', 'shuffle', 'persistent-shuffle'].includes(stage.sampler))
    throw new AccountingError('calibrateSamplerNoise: one stage with a deterministic or shuffling sampler expected');
  const found = samplerCalibrateNoise({
    sampler: stage.sampler as 'deterministic' | 'shuffle' | 'persistent-shuffle',
    stepsPerEpoch: stage.stepsPerEpoch!,
    epochs: stage.epochs!,
    epsilon: o.target.epsilon,
    delta: o.target.delta,
    discretization: probe.accountant.discretization,
  });
  const bracket = found.details.bracket as readonly number[] | undefined;
  // a sufficient sigma is taken at the safe (upper) end of the sampler's final bracket; the samplers
  // work at sensitivity 1, a Gaussian sensitivity s (in clip norms) scales the noise multiplier by s
  const scale = gaussianSensitivity(stage);
  let value = scale * (found.statement === 'sufficient' && bracket ? Math.max(found.value, bracket[1]) : found.value);
  let result = accountPlan(o.build(value), { quantity: 'epsilon', delta: o.target.delta });
  let evaluations = typeof found.details.evaluations === 'number' ? found.details.evaluations : 0;
  // one-sided: a sufficient sigma must meet the target by the figure reported beside it; the samplers'
  // own figure and the engine's may differ by float rounding, so step up by a few ulps if needed
  for (let i = 0; found.statement === 'sufficient' && certifiedEpsilon(result) > o.target.epsilon; i++) {
    if (i >= 30) throw new AccountingError(`calibrated sigma ${value} does not meet epsilon <= ${o.target.epsilon}`);
    value *= 1 + Number.EPSILON * 2 ** i;
    result = accountPlan(o.build(value), { quantity: 'epsilon', delta: o.target.delta });
    evaluations++;
  }
  return { parameter: 'sigma', value, guarantee: found.statement, target: o.target, result, evaluations, notes: found.notes };
}

/**
 * Noise for a single balls-and-bins stage, from certified bounds only (no Monte Carlo):
 * - necessary: the largest sigma whose certified lower bound on delta at the target epsilon (max-statistic
 *   construction, BNB Sec. 4) still exceeds the target delta; any smaller sigma fails the target;
 * - sufficient: deterministic batches' sigma (a Gaussian at sigma/sqrt(E) dominates balls-and-bins by joint
 *   convexity), given in the notes.
 * The headline is the necessary sigma: the truth lies between the two.
 */
export async function calibrateBallsAndBinsNoise(o: {
  readonly build: (sigma: number) => AccountingPlan;
  readonly target: { readonly epsilon: number; readonly delta: number };
}): Promise<CalibrationReport> {
  const { ballsAndBinsDeltaLowerBounds, ballsAndBinsEpsilonLowerBound } = await import('../../accountants/ballsAndBins/lowerBound.js');
  const { deterministicNoiseMultiplier } = await import('../../accountants/deterministic.js');
  const probe = o.build(1);
  const stage = probe.stages[0];
  if (probe.stages.length !== 1 || stage.sampler !== 'balls-and-bins')
    throw new AccountingError('calibrateBallsAndBinsNoise: one balls-and-bins stage expected');
  const { epsilon, delta } = o.target;
  const scale = gaussianSensitivity(stage);
  const setting = (sigma: number) => ({ noiseMultiplier: sigma / scale, steps: stage.stepsPerEpoch!, epochs: stage.epochs! });
  const sufficient = scale * deterministicNoiseMultiplier({ epochs: stage.epochs!, epsilon, delta }).value;
  // the lower bound falls as sigma grows; find the largest sigma where it still exceeds the target
  const above = delta * (1 + 4 * Number.EPSILON);
  const found = calibrateIncreasing({
    figure: (s) => -ballsAndBinsDeltaLowerBounds({ ...setting(s), epsilons: [epsilon] })[0],
    target: -above,
    lo: sufficient / 2,
    hi: sufficient,
    min: 1e-3,
    max: sufficient,
    relTol: RELATIVE_TOLERANCE,
    name: 'noise multiplier',
  });
  const value = found.value;
  const plan = o.build(value);
  const lower = ballsAndBinsEpsilonLowerBound({ ...setting(value), delta });
  const result: AccountingResult = {
    quantity: 'epsilon',
    value: lower,
    kind: 'lower',
    lower,
    inputs: describeInputs(plan, { quantity: 'epsilon', delta }),
    accountant: { name: 'balls-and-bins lower bound', settings: { adjacency: plan.adjacency } },
    notes: plan.notes,
  };
  return {
    parameter: 'sigma',
    value,
    guarantee: 'necessary',
    target: o.target,
    result,
    evaluations: found.evaluations,
    notes: [
      `Balls-and-bins: calibrated from a certified lower bound, so this sigma is necessary (any smaller one fails the target).`,
      `A sufficient sigma (certified: deterministic batches dominate balls-and-bins) is ${sufficient}; the truth lies between. ` +
        'Check a candidate with `dpacct epsilon --sampler balls-and-bins --sigma S --samples N` (a Monte Carlo estimate).',
    ],
  };
}
