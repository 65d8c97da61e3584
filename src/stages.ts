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
  if (stage.truncation !== undefined) {
    const t = stage.truncation;
    if (stage.poissonRate === undefined) throw new InputError(`${field}.truncation`, 'a Poisson rate beside it (poissonRate)');
    requireCount(t.datasetSize, `${field}.truncation.datasetSize`);
    requireCount(t.maxBatchSize, `${field}.truncation.maxBatchSize`);
    if (t.maxBatchSize > t.datasetSize)
      throw new InputError(`${field}.truncation.maxBatchSize`, `at most datasetSize (${t.datasetSize})`, t.maxBatchSize);
  }
  if (stage.fixedSize !== undefined) {
    const f = stage.fixedSize;
    if (stage.poissonRate !== undefined) throw new InputError(`${field}.fixedSize`, 'either fixedSize or poissonRate, not both');
    requireCount(f.datasetSize, `${field}.fixedSize.datasetSize`);
    requireCount(f.batchSize, `${field}.fixedSize.batchSize`);
    if (f.batchSize > f.datasetSize)
      throw new InputError(`${field}.fixedSize.batchSize`, `at most datasetSize (${f.datasetSize})`, f.batchSize);
  }
  validateMechanism(stage.mechanism, `${field}.mechanism`);
}

function requireCount(value: unknown, field: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw new InputError(field, 'a positive integer', value);
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
    case 'discrete-laplace':
      requirePositive(m.parameter, `${field}.parameter`);
      if (m.sensitivity !== undefined) requireCount(m.sensitivity, `${field}.sensitivity`);
      return;
    case 'discrete-gaussian':
      requirePositive(m.sigma, `${field}.sigma`);
      if (m.sensitivity !== undefined) requireCount(m.sensitivity, `${field}.sensitivity`);
      return;
    case 'mixture-of-gaussians': {
      requirePositive(m.noiseMultiplier, `${field}.noiseMultiplier`);
      const c = m.sensitivities;
      const p = m.probabilities;
      if (!Array.isArray(c) || c.length === 0) throw new InputError(`${field}.sensitivities`, 'a non-empty list of numbers >= 0', c);
      c.forEach((v, i) => requireNonNegative(v, `${field}.sensitivities[${i}]`));
      if (!Array.isArray(p) || p.length !== c.length)
        throw new InputError(`${field}.probabilities`, `a list of ${c.length} probabilities, one per sensitivity`, p);
      p.forEach((v, i) => {
        if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new InputError(`${field}.probabilities[${i}]`, 'a number in [0, 1]', v);
      });
      const sum = p.reduce((s, v) => s + v, 0);
      if (!(Math.abs(sum - 1) <= 1e-9)) throw new InputError(`${field}.probabilities`, 'probabilities summing to 1 (within 1e-9)', sum);
      return;
    }
    case 'exponential':
    case 'permute-and-flip':
      requireNonNegative(m.epsilon, `${field}.epsilon`);
      return;
    case 'tree-aggregation': {
      requirePositive(m.noiseMultiplier, `${field}.noiseMultiplier`);
      if (m.sensitivity !== undefined) requirePositive(m.sensitivity, `${field}.sensitivity`);
      const counts = typeof m.stepCounts === 'number' ? [m.stepCounts] : m.stepCounts;
      if (!Array.isArray(counts) || counts.length === 0)
        throw new InputError(`${field}.stepCounts`, 'a positive integer or a non-empty list of them', m.stepCounts);
      counts.forEach((c, i) => requireCount(c, typeof m.stepCounts === 'number' ? `${field}.stepCounts` : `${field}.stepCounts[${i}]`));
      return;
    }
    case 'zcdp':
      requireNonNegative(m.rho, `${field}.rho`);
      if (m.xi !== undefined) requireNonNegative(m.xi, `${field}.xi`);
      return;
    default:
      throw new InputError(
        `${field}.kind`,
        "one of 'gaussian', 'laplace', 'randomized-response', 'eps-delta', 'discrete-laplace', 'discrete-gaussian', 'mixture-of-gaussians', 'exponential', 'permute-and-flip', 'zcdp', 'tree-aggregation'",
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
