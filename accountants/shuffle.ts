/**
 * Shuffling (ABLQ-1 "S" sampler, ABLQ-2): a random permutation of the data cut into T batches, either drawn
 * once and reused every epoch ("persistent") or drawn afresh each epoch ("dynamic").
 *
 * No tight upper bound on its privacy is known. What we certify is a lower bound from one concrete pair of
 * neighbouring datasets (ABLQ-1 Sec. 4): every other example has gradient -1, the target +1 versus 0; after a
 * shift one epoch outputs P = (1/T) sum_t N(2 e_t, sigma^2 I) versus Q = (1/T) sum_t N(e_t, sigma^2 I), and
 * the max-statistic construction (maxStatistic.ts, means (2, 1)) bounds its hockey-stick divergence below.
 * - one epoch: thresholds on the max statistic, both directions;
 * - persistent, E epochs: the same batch position every epoch, i.e. E copies of the same Gaussian draws'
 *   means, which is one epoch at sigma / sqrt(E) (exactly);
 * - dynamic, E epochs: the sliced statistic's PLD composed E times (a lower bound by data processing).
 */
import { AccountingError, InputError } from '../src/errors.js';
import { gaussianBatchStage, gaussianSensitivity } from '../src/plan.js';
import { calibrateIncreasing } from '../src/calibrate.js';
import { deterministicNoiseMultiplier } from './deterministic.js';
import type { Figure } from '../src/result.js';
import type { Accountant } from './contract.js';
import {
  composeMaxStatistic,
  maxStatisticDeltaLowerBound,
  maxStatisticEpsilonLowerBound,
  type ThresholdSearch,
} from '../src/pld/maxStatistic.js';

/** dynamic: a fresh permutation each epoch; persistent: one permutation for all epochs */
export type ShuffleMode = 'dynamic' | 'persistent';

export interface ShuffleOptions {
  readonly noiseMultiplier: number;
  readonly stepsPerEpoch: number;
  readonly epochs: number;
  /** default 'dynamic' (what most data loaders do when they reshuffle every epoch) */
  readonly mode?: ShuffleMode;
  /** grid interval of the composed statistic (dynamic, E > 1); default 1e-4 */
  readonly discretization?: number;
  /** threshold search for one-epoch bounds; default 'continuous' */
  readonly thresholds?: ThresholdSearch;
  /** slicing of the statistic for dynamic E > 1 (see composeMaxStatistic); default 'aligned' */
  readonly slicing?: 'aligned' | 'authors';
}

/** A certified lower bound with the caveats to show next to it. */
export interface ShuffleLowerFigure {
  readonly value: number;
  readonly kind: 'lower';
  readonly lower: number;
  readonly notes: readonly string[];
  readonly details: Readonly<Record<string, unknown>>;
}

/** Means of the target's coordinate in the ABLQ shuffling pair. */
export const SHUFFLE_MEANS = Object.freeze({ meanUpper: 2, meanLower: 1 });

export const SHUFFLE_NOTES: readonly string[] = Object.freeze([
  'Shuffling: this is a lower bound (the privacy of one worst-case-style pair of datasets, ABLQ-1); ' +
    'no tight upper bound is known, so the true value may be larger.',
]);

/** Certified lower bound on eps(delta) for shuffled batches. */
export function shuffleEpsilonLowerBound(o: ShuffleOptions & { readonly delta: number }): ShuffleLowerFigure {
  const plan = planShuffle(o);
  if (!(o.delta > 0 && o.delta < 1)) throw new InputError('delta', 'a number in (0, 1)', o.delta);
  if (plan.kind === 'single') {
    const r = maxStatisticEpsilonLowerBound({ ...plan.pair, delta: o.delta, thresholds: o.thresholds });
    return figure(r.value, plan, { remove: r.remove, add: r.add, evaluations: r.evaluations });
  }
  const composed = composeMaxStatistic({ ...plan.pair, epochs: o.epochs, discretization: o.discretization, slicing: o.slicing });
  const r = composed.epsilonLowerBound(o.delta);
  return figure(r.value, plan, { remove: r.remove, add: r.add, fromEpochs: r.fromEpochs, composition: composed.details }, r.gridLimited);
}

/** Certified lower bound on delta(eps) for shuffled batches. */
export function shuffleDeltaLowerBound(o: ShuffleOptions & { readonly epsilon: number }): ShuffleLowerFigure {
  const plan = planShuffle(o);
  if (!(Number.isFinite(o.epsilon) && o.epsilon >= 0)) throw new InputError('epsilon', 'a finite number >= 0', o.epsilon);
  if (plan.kind === 'single') {
    const r = maxStatisticDeltaLowerBound({ ...plan.pair, epsilon: o.epsilon, thresholds: o.thresholds });
    return figure(r.value, plan, { remove: r.remove, add: r.add, evaluations: r.evaluations });
  }
  const composed = composeMaxStatistic({ ...plan.pair, epochs: o.epochs, discretization: o.discretization, slicing: o.slicing });
  const r = composed.deltaLowerBound(o.epsilon);
  return figure(r.value, plan, { remove: r.remove, add: r.add, fromEpochs: r.fromEpochs, composition: composed.details }, r.gridLimited);
}

/**
 * A delta lower bound as a function of sigma for fixed (T, E, eps): what calibration searches over.
 * (The true delta of shuffling falls as sigma grows: more noise is post-processing.)
 */
export function shuffleDeltaLowerBoundAt(o: Omit<ShuffleOptions, 'noiseMultiplier'> & { readonly epsilon: number }) {
  return (noiseMultiplier: number): number => shuffleDeltaLowerBound({ ...o, noiseMultiplier }).value;
}

interface Plan {
  readonly kind: 'single' | 'composed';
  readonly mode: ShuffleMode;
  readonly epochs: number;
  readonly pair: { meanUpper: number; meanLower: number; noiseMultiplier: number; steps: number };
  readonly method: string;
}

function planShuffle(o: ShuffleOptions): Plan {
  if (!(Number.isFinite(o.noiseMultiplier) && o.noiseMultiplier > 0)) {
    throw new InputError('noiseMultiplier', 'a finite number > 0', o.noiseMultiplier);
  }
  if (!(Number.isSafeInteger(o.stepsPerEpoch) && o.stepsPerEpoch >= 1)) {
    throw new InputError('stepsPerEpoch', 'an integer >= 1', o.stepsPerEpoch);
  }
  if (!(Number.isSafeInteger(o.epochs) && o.epochs >= 1)) throw new InputError('epochs', 'an integer >= 1', o.epochs);
  const mode = o.mode ?? 'dynamic';
  if (mode !== 'dynamic' && mode !== 'persistent') {
    throw new InputError('mode', "'dynamic' or 'persistent'", mode);
  }
  const base = { ...SHUFFLE_MEANS, steps: o.stepsPerEpoch };
  if (o.epochs === 1) {
    return {
      kind: 'single',
      mode,
      epochs: 1,
      pair: { ...base, noiseMultiplier: o.noiseMultiplier },
      method: 'one epoch: max-statistic thresholds',
    };
  }
  if (mode === 'persistent') {
    return {
      kind: 'single',
      mode,
      epochs: o.epochs,
      pair: { ...base, noiseMultiplier: o.noiseMultiplier / Math.sqrt(o.epochs) },
      method: 'persistent shuffling: one epoch at sigma/sqrt(E), max-statistic thresholds',
    };
  }
  return {
    kind: 'composed',
    mode,
    epochs: o.epochs,
    pair: { ...base, noiseMultiplier: o.noiseMultiplier },
    method: 'dynamic shuffling: sliced max-statistic PLD composed over epochs',
  };
}

function figure(value: number, plan: Plan, extra: Record<string, unknown>, gridLimited = false): ShuffleLowerFigure {
  const notes = [...SHUFFLE_NOTES];
  if (gridLimited) {
    const from = extra.fromEpochs;
    notes.push(
      `The composition grid limits this lower bound at ${plan.epochs} epochs (its rounding would eat the figure); ` +
        (from === 1
          ? 'the bound shown is the one-epoch bound, '
          : `the bound shown is the one for the first ${String(from)} epochs (E epochs release those too), `) +
        'so the true value may be much larger.',
    );
  }
  if (plan.mode === 'persistent' && plan.epochs > 1) {
    notes.push('Persistent shuffling (one permutation for all epochs) is accounted as one epoch at sigma/sqrt(E).');
  }
  return {
    value,
    kind: 'lower',
    lower: value,
    notes,
    details: {
      sampler: plan.mode === 'persistent' ? 'persistent-shuffle' : 'shuffle',
      method: plan.method,
      pair: 'ABLQ-1 max statistic, means (2, 1)',
      effectiveNoiseMultiplier: plan.pair.noiseMultiplier,
      ...extra,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// the accountant contract (accountants/contract.ts)

function shuffleAccountantFor(sampler: 'shuffle' | 'persistent-shuffle'): Accountant {
  const mode: ShuffleMode = sampler === 'persistent-shuffle' ? 'persistent' : 'dynamic';
  return {
    name: sampler,
    compareAs: { sampler },
    supports(plan) {
      const s = gaussianBatchStage(plan, sampler);
      return typeof s === 'string' ? s : true;
    },
    describe: (plan) => ({
      name: `${sampler} lower bound`,
      settings: { discretization: plan.accountant.discretization, adjacency: plan.adjacency },
    }),
    account(plan, query): Figure {
      const s = gaussianBatchStage(plan, sampler);
      if (typeof s === 'string') throw new AccountingError(s);
      const options = { ...s, mode, discretization: plan.accountant.discretization };
      const f =
        query.quantity === 'epsilon'
          ? shuffleEpsilonLowerBound({ ...options, delta: query.delta })
          : shuffleDeltaLowerBound({ ...options, epsilon: query.epsilon });
      return { value: f.value, kind: 'lower', lower: f.lower, notes: f.notes, details: f.details };
    },
    /**
     * A necessary sigma: the largest whose certified lower bound on delta at the target epsilon still exceeds
     * the target delta (the true delta falls as sigma grows, so every smaller sigma fails too). Shuffling is at
     * least as private as its lower bound, which never exceeds the deterministic (exact) figure, so the
     * necessary sigma is at most the deterministic one.
     */
    calibrateNoise(plan, target) {
      const s = gaussianBatchStage(plan, sampler);
      if (typeof s === 'string') throw new AccountingError(s);
      const exact = deterministicNoiseMultiplier({ epochs: s.epochs, epsilon: target.epsilon, delta: target.delta });
      const composed = sampler === 'shuffle' && s.epochs > 1;
      const above = target.delta * (1 + 4 * Number.EPSILON);
      const options = { stepsPerEpoch: s.stepsPerEpoch, epochs: s.epochs, mode, discretization: plan.accountant.discretization };
      const r = calibrateIncreasing({
        figure: (sigma) => -shuffleDeltaLowerBound({ ...options, noiseMultiplier: sigma, epsilon: target.epsilon }).value,
        target: -above,
        lo: exact.value / 2,
        hi: exact.value,
        relTol: composed ? 1e-5 : 1e-6,
        name: 'noise multiplier',
      });
      const notes = [
        'Shuffling: calibrated from a certified lower bound, so this sigma is necessary (any smaller sigma ' +
          'fails the target); no tight upper bound is known, so the sufficient sigma may be larger.',
      ];
      if (sampler === 'persistent-shuffle' && s.epochs > 1)
        notes.push('Persistent shuffling (one permutation for all epochs) is accounted as one epoch at sigma/sqrt(E).');
      return { value: gaussianSensitivity(plan) * r.value, guarantee: 'necessary', evaluations: r.evaluations, notes };
    },
  };
}

/** A fresh permutation every epoch: a certified lower bound (ABLQ-1 pair, composed over epochs). */
export const shuffleAccountant = shuffleAccountantFor('shuffle');
/** One permutation for all epochs: a certified lower bound (one epoch at sigma / sqrt(E)). */
export const persistentShuffleAccountant = shuffleAccountantFor('persistent-shuffle');
