/**
 * Validation of stages, shared by every accountant: one message per problem, naming the JSON-style path
 * of the field and the allowed range (e.g. `stages[0].mechanism.noiseMultiplier: expected a finite number
 * > 0, got -1`).
 */
import type { Mechanism, Stage } from './mechanism.js';
import { InputError } from './errors.js';

/** More steps than this are refused: grid indices and counts must stay exact in float64. */
export const MAX_STEPS = 1e12;
/** How the allowed number of steps reads in messages. */
export const STEPS_RANGE = 'a positive integer up to 1e12';

/** Throws an InputError for the first problem in `stages` (a non-empty list). */
export function validateStages(stages: readonly Stage[]): void {
  if (!Array.isArray(stages) || stages.length === 0) throw new InputError('stages', 'a non-empty list of stages', stages);
  stages.forEach((stage, s) => validateStage(stage, `stages[${s}]`));
}

function validateStage(stage: Stage, field: string): void {
  if (stage == null || typeof stage !== 'object') throw new InputError(field, 'a stage object', stage);
  if (!Number.isSafeInteger(stage.steps) || stage.steps < 1) {
    throw new InputError(`${field}.steps`, 'a positive integer', stage.steps);
  }
  if (stage.steps > MAX_STEPS) throw new InputError(`${field}.steps`, STEPS_RANGE, stage.steps);
  if (stage.poissonRate !== undefined && !(typeof stage.poissonRate === 'number' && stage.poissonRate > 0 && stage.poissonRate <= 1)) {
    throw new InputError(`${field}.poissonRate`, 'a number in (0, 1]', stage.poissonRate);
  }
  validateMechanism(stage.mechanism, `${field}.mechanism`);
}

function validateMechanism(m: Mechanism, field: string): void {
  if (m == null || typeof m !== 'object') throw new InputError(field, 'a mechanism object', m);
  switch (m.kind) {
    case 'gaussian':
      requirePositive(m.noiseMultiplier, `${field}.noiseMultiplier`);
      if (m.sensitivity !== undefined) requirePositive(m.sensitivity, `${field}.sensitivity`);
      return;
    case 'laplace':
      requirePositive(m.scale, `${field}.scale`);
      if (m.sensitivity !== undefined) requirePositive(m.sensitivity, `${field}.sensitivity`);
      return;
    case 'randomized-response':
      if (!Number.isSafeInteger(m.categories) || m.categories < 2) {
        throw new InputError(`${field}.categories`, 'an integer >= 2', m.categories);
      }
      if ((m.noiseParameter === undefined) === (m.epsilon === undefined)) {
        throw new InputError(`${field}`, 'exactly one of noiseParameter and epsilon');
      }
      if (m.noiseParameter !== undefined && !(typeof m.noiseParameter === 'number' && m.noiseParameter > 0 && m.noiseParameter <= 1)) {
        throw new InputError(`${field}.noiseParameter`, 'a number in (0, 1]', m.noiseParameter);
      }
      if (m.epsilon !== undefined) requireNonNegative(m.epsilon, `${field}.epsilon`);
      return;
    case 'eps-delta':
      requireNonNegative(m.epsilon, `${field}.epsilon`);
      if (typeof m.delta !== 'number' || !(m.delta >= 0 && m.delta < 1)) {
        throw new InputError(`${field}.delta`, 'a number in [0, 1)', m.delta);
      }
      return;
    default:
      throw new InputError(
        `${field}.kind`,
        "one of 'gaussian', 'laplace', 'randomized-response', 'eps-delta'",
        (m as { kind?: unknown }).kind,
      );
  }
}

function requirePositive(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InputError(field, 'a finite number > 0', value);
  }
}

function requireNonNegative(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InputError(field, 'a finite number >= 0', value);
  }
}
