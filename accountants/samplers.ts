/**
 * One entry point per query for the batch samplers of DP-SGD (shared/design/accounting.md section 4), as
 * the CLI (`--sampler`, `dpacct compare`, `calibrate`) and specs call them. T steps per epoch, E epochs:
 * - deterministic: exact (a Gaussian with sigma/sqrt(E));
 * - shuffle (a fresh permutation every epoch) and persistent-shuffle (one permutation): certified lower
 *   bounds only (no tight upper bound is known);
 * - poisson: the PLD engine's certified upper bound for q = 1/T over T*E steps.
 */
import type { BoundKind } from '../src/result.js';
import { SAMPLER_KINDS, type SamplerKind } from '../src/mechanism.js';
import { InputError } from '../src/errors.js';
import { calibrateDecreasing, calibrateIncreasing } from '../src/calibrate.js';
import { guardFigure } from '../src/guard.js';
import { pldAccountant, type PldFigure } from './pld.js';
import { deterministicDelta, deterministicEpsilon, deterministicNoiseMultiplier } from './deterministic.js';
import { shuffleDeltaLowerBound, shuffleEpsilonLowerBound, type ShuffleLowerFigure } from './shuffle.js';

/** The samplers with a synchronous figure (balls-and-bins runs Monte Carlo: accountants/ballsAndBins). */
export type SamplerName = Exclude<SamplerKind, 'balls-and-bins' | 'truncated-poisson' | 'fixed-size'>;
export const SAMPLERS: readonly SamplerName[] = Object.freeze(
  SAMPLER_KINDS.filter((k): k is SamplerName => k !== 'balls-and-bins' && k !== 'truncated-poisson' && k !== 'fixed-size'),
);

export interface SamplerSetting {
  readonly sampler: SamplerName;
  readonly noiseMultiplier: number;
  readonly stepsPerEpoch: number;
  readonly epochs: number;
  /** grid interval of PLD computations (Poisson, dynamic shuffling); default 1e-4 */
  readonly discretization?: number;
}

/** A privacy figure with what is known about it. */
export interface SamplerFigure {
  readonly value: number;
  readonly kind: BoundKind;
  readonly lower?: number;
  readonly upper?: number;
  readonly notes: readonly string[];
  readonly details: Readonly<Record<string, unknown>>;
}

const POISSON_NOTES = Object.freeze([
  'Poisson subsampling: each example joins each step independently with probability 1/T; ' +
    'this figure is only valid if the training code samples that way.',
]);

/** eps at `delta` for the sampler. */
export function samplerEpsilon(o: SamplerSetting & { readonly delta: number }): SamplerFigure {
  return guardFigure(samplerEpsilonRaw(o), 'epsilon');
}

function samplerEpsilonRaw(o: SamplerSetting & { readonly delta: number }): SamplerFigure {
  checkSetting(o);
  if (!(o.delta > 0 && o.delta < 1)) throw new InputError('delta', 'a number in (0, 1)', o.delta);
  switch (o.sampler) {
    case 'deterministic':
      return fromExact(deterministicEpsilon({ noiseMultiplier: o.noiseMultiplier, epochs: o.epochs, delta: o.delta }));
    case 'shuffle':
    case 'persistent-shuffle':
      return fromShuffle(shuffleEpsilonLowerBound({ ...shuffleOptions(o), delta: o.delta }));
    case 'poisson':
      return fromPld(poissonAccountant(o).epsilon(o.delta), o);
  }
}

/** delta at `epsilon` for the sampler. */
export function samplerDelta(o: SamplerSetting & { readonly epsilon: number }): SamplerFigure {
  return guardFigure(samplerDeltaRaw(o), 'delta');
}

function samplerDeltaRaw(o: SamplerSetting & { readonly epsilon: number }): SamplerFigure {
  checkSetting(o);
  if (!(Number.isFinite(o.epsilon) && o.epsilon >= 0)) throw new InputError('epsilon', 'a finite number >= 0', o.epsilon);
  switch (o.sampler) {
    case 'deterministic':
      return fromExact(deterministicDelta({ noiseMultiplier: o.noiseMultiplier, epochs: o.epochs, epsilon: o.epsilon }));
    case 'shuffle':
    case 'persistent-shuffle':
      return fromShuffle(shuffleDeltaLowerBound({ ...shuffleOptions(o), epsilon: o.epsilon }));
    case 'poisson':
      return fromPld(poissonAccountant(o).delta(o.epsilon), o);
  }
}

// ---------------------------------------------------------------------------------------------------------
// compare

export interface SamplerComparisonRow {
  readonly sampler: SamplerName;
  readonly figure: SamplerFigure;
  /**
   * figure / Poisson figure (both the headline values); null when the Poisson figure is 0 or infinite.
   * Compare with care: kinds differ (a shuffling lower bound against a Poisson upper bound).
   */
  readonly ratioToPoisson: number | null;
}

export interface SamplerComparison {
  readonly quantity: 'epsilon' | 'delta';
  readonly setting: { readonly noiseMultiplier: number; readonly stepsPerEpoch: number; readonly epochs: number };
  readonly at: number;
  readonly rows: readonly SamplerComparisonRow[];
  readonly notes: readonly string[];
}

/**
 * Every sampler's eps (given delta) or delta (given epsilon) at equal sigma, T and E, with its kind and the
 * ratio to the Poisson figure: the cost of shuffling at a glance. Exactly one of delta / epsilon.
 */
export function compareSamplers(o: {
  readonly noiseMultiplier: number;
  readonly stepsPerEpoch: number;
  readonly epochs: number;
  readonly delta?: number;
  readonly epsilon?: number;
  readonly discretization?: number;
  /** which samplers, in order; default all (Poisson is always computed for the ratios) */
  readonly samplers?: readonly SamplerName[];
}): SamplerComparison {
  if ((o.delta === undefined) === (o.epsilon === undefined)) {
    throw new InputError('delta/epsilon', 'exactly one of delta and epsilon', { delta: o.delta, epsilon: o.epsilon });
  }
  const samplers = o.samplers ?? SAMPLERS;
  for (const s of samplers) if (!SAMPLERS.includes(s)) throw new InputError('sampler', SAMPLERS.join(' | '), s);
  const quantity = o.delta !== undefined ? 'epsilon' : 'delta';
  const query = (sampler: SamplerName): SamplerFigure => {
    const setting = { ...o, sampler };
    return quantity === 'epsilon' ? samplerEpsilon({ ...setting, delta: o.delta! }) : samplerDelta({ ...setting, epsilon: o.epsilon! });
  };
  const poisson = query('poisson');
  const rows = samplers.map((sampler) => {
    const figure = sampler === 'poisson' ? poisson : query(sampler);
    return { sampler, figure, ratioToPoisson: ratio(figure.value, poisson.value) };
  });
  return {
    quantity,
    setting: { noiseMultiplier: o.noiseMultiplier, stepsPerEpoch: o.stepsPerEpoch, epochs: o.epochs },
    at: quantity === 'epsilon' ? o.delta! : o.epsilon!,
    rows,
    notes: [
      'All samplers at the same noise multiplier, steps per epoch and epochs.',
      'Shuffling figures are lower bounds: the gap to Poisson is at least the ratio shown.',
    ],
  };
}

function ratio(value: number, poisson: number): number | null {
  if (!(poisson > 0) || !Number.isFinite(poisson) || !Number.isFinite(value)) return null;
  return value / poisson;
}

// ---------------------------------------------------------------------------------------------------------
// calibrate

export interface NoiseCalibration {
  /** the noise multiplier */
  readonly value: number;
  /**
   * sufficient: this sigma (or more) meets (eps, delta) (from an upper bound or an exact figure);
   * necessary: any sigma below this one fails (eps, delta) (from a lower bound); the sigma that suffices
   * may be larger.
   */
  readonly statement: 'sufficient' | 'necessary';
  /** kind of the figure the calibration used */
  readonly kind: BoundKind;
  readonly notes: readonly string[];
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * The noise multiplier for (epsilon, delta) with the given sampler. One-sided: a sufficient sigma meets the
 * target by its certified upper bound; a necessary sigma still violates it by its certified lower bound
 * (the true delta falls as sigma grows, so every smaller sigma violates it too).
 */
export function samplerCalibrateNoise(o: {
  readonly sampler: SamplerName;
  readonly stepsPerEpoch: number;
  readonly epochs: number;
  readonly epsilon: number;
  readonly delta: number;
  readonly discretization?: number;
  /** relative width of the final bracket; default 1e-6 (1e-5 for the composed ones) */
  readonly relTol?: number;
}): NoiseCalibration {
  checkSetting({ ...o, noiseMultiplier: 1 });
  if (!(Number.isFinite(o.epsilon) && o.epsilon >= 0)) throw new InputError('epsilon', 'a finite number >= 0', o.epsilon);
  if (!(o.delta > 0 && o.delta < 1)) throw new InputError('delta', 'a number in (0, 1)', o.delta);
  const exact = deterministicNoiseMultiplier({ epochs: o.epochs, epsilon: o.epsilon, delta: o.delta });
  if (o.sampler === 'deterministic') {
    return {
      value: exact.value,
      statement: 'sufficient',
      kind: 'exact',
      notes: ['Deterministic batches: exact; this sigma meets (epsilon, delta) and any smaller one does not.'],
      details: { ...exact.details, bracket: [exact.lower, exact.upper] },
    };
  }
  const setting = (noiseMultiplier: number) => ({ ...o, noiseMultiplier });
  if (o.sampler === 'poisson') {
    const relTol = o.relTol ?? 1e-5;
    const r = calibrateDecreasing({
      figure: (s) => poissonAccountant(setting(s)).delta(o.epsilon).upper,
      target: o.delta,
      lo: exact.value / 4,
      hi: exact.value,
      relTol,
      name: 'noise multiplier',
    });
    return {
      value: r.value,
      statement: 'sufficient',
      kind: 'upper',
      notes: [...POISSON_NOTES, 'Calibrated from a certified upper bound: this sigma is sufficient.'],
      details: { deltaUpperAtValue: r.figure, evaluations: r.evaluations, relTol },
    };
  }
  // shuffling: largest sigma whose certified lower bound on delta still exceeds the target
  const composed = o.sampler === 'shuffle' && o.epochs > 1;
  const relTol = o.relTol ?? (composed ? 1e-5 : 1e-6);
  const above = o.delta * (1 + 4 * Number.EPSILON);
  const lowerDelta = (s: number) => samplerDelta({ ...setting(s), epsilon: o.epsilon }).value;
  // shuffling is at least as private as its lower bound, which never exceeds the deterministic (exact)
  // figure, so the necessary sigma is at most the deterministic one
  const r = calibrateIncreasing({
    figure: (s) => -lowerDelta(s),
    target: -above,
    lo: exact.value / 2,
    hi: exact.value,
    relTol,
    name: 'noise multiplier',
  });
  const notes = [
    'Shuffling: calibrated from a certified lower bound, so this sigma is necessary (any smaller sigma ' +
      'fails the target); no tight upper bound is known, so the sufficient sigma may be larger.',
  ];
  if (o.sampler === 'persistent-shuffle' && o.epochs > 1) {
    notes.push('Persistent shuffling (one permutation for all epochs) is accounted as one epoch at sigma/sqrt(E).');
  }
  return {
    value: r.value,
    statement: 'necessary',
    kind: 'lower',
    notes,
    details: { deltaLowerAtValue: -r.figure, evaluations: r.evaluations, relTol },
  };
}

// ---------------------------------------------------------------------------------------------------------
// helpers

function poissonAccountant(o: SamplerSetting) {
  const stage = {
    mechanism: { kind: 'gaussian' as const, noiseMultiplier: o.noiseMultiplier },
    poissonRate: 1 / o.stepsPerEpoch,
    steps: o.stepsPerEpoch * o.epochs,
  };
  return pldAccountant([stage], o.discretization === undefined ? {} : { discretization: o.discretization });
}

function shuffleOptions(o: SamplerSetting) {
  return {
    noiseMultiplier: o.noiseMultiplier,
    stepsPerEpoch: o.stepsPerEpoch,
    epochs: o.epochs,
    mode: o.sampler === 'persistent-shuffle' ? ('persistent' as const) : ('dynamic' as const),
    discretization: o.discretization,
  };
}

function fromExact(f: { value: number; lower: number; upper: number; details: Readonly<Record<string, unknown>> }): SamplerFigure {
  return {
    value: f.value,
    kind: 'exact',
    lower: f.lower,
    upper: f.upper,
    notes: ['Deterministic batches: exact (each example in exactly one batch per epoch; a Gaussian at sigma/sqrt(E)).'],
    details: { sampler: 'deterministic', ...f.details },
  };
}

function fromShuffle(f: ShuffleLowerFigure): SamplerFigure {
  return { value: f.value, kind: 'lower', lower: f.lower, notes: f.notes, details: f.details };
}

function fromPld(f: PldFigure, o: SamplerSetting): SamplerFigure {
  return {
    value: f.upper,
    kind: f.kind,
    lower: f.lower,
    upper: f.upper,
    notes: POISSON_NOTES,
    details: {
      sampler: 'poisson',
      samplingRate: 1 / o.stepsPerEpoch,
      steps: o.stepsPerEpoch * o.epochs,
      remove: f.remove,
      add: f.add,
      pld: f.details,
    },
  };
}

function checkSetting(o: SamplerSetting): void {
  if (!SAMPLERS.includes(o.sampler)) throw new InputError('sampler', SAMPLERS.join(' | '), o.sampler);
  if (!(Number.isFinite(o.noiseMultiplier) && o.noiseMultiplier > 0)) {
    throw new InputError('noiseMultiplier', 'a finite number > 0', o.noiseMultiplier);
  }
  if (!(Number.isSafeInteger(o.stepsPerEpoch) && o.stepsPerEpoch >= 1)) {
    throw new InputError('stepsPerEpoch', 'an integer >= 1', o.stepsPerEpoch);
  }
  if (!(Number.isSafeInteger(o.epochs) && o.epochs >= 1)) throw new InputError('epochs', 'an integer >= 1', o.epochs);
  if (o.discretization !== undefined && !(o.discretization > 0 && o.discretization <= 0.1)) {
    throw new InputError('discretization', 'a number in (0, 0.1]', o.discretization);
  }
}
