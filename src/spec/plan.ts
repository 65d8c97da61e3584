/**
 * Spec -> AccountingPlan: the numbers the accountants need, with every derived count spelt out.
 *
 * Derived counts and their rounding (all stated in the plan's notes):
 * - Poisson rate q = batchSize / datasetSize.
 * - Poisson with epochs E: steps = ceil(E * datasetSize / batchSize) (or ceil(E / q)); rounding up never
 *   accounts for fewer steps than were trained.
 * - Batch samplers (deterministic, shuffle, balls-and-bins): steps per epoch T = ceil(datasetSize / batchSize)
 *   (a last, smaller batch counts as a batch); epochs must be whole; steps = T * E.
 */
import { InputErrors } from '../errors.js';
import type { Adjacency } from '../mechanism.js';
import type { AccountingPlan, PlanStage, Query } from '../plan.js';
export type { AccountingPlan, PlanStage, Query, AccountantName, PrivacyUnit, MonteCarloSettings } from '../plan.js';
import type { Spec, SpecStage } from './schema.js';
import { formatPath } from './issues.js';
import { MAX_STEPS } from '../stages.js';

const MAX_STEPS_TEXT = '1e12';
import { userLevelMechanism } from '../userLevel.js';

export const DEFAULT_DISCRETIZATION = 1e-4;
/** Monte Carlo defaults (balls-and-bins): fixed seed so that runs are reproducible unless asked otherwise */
export const DEFAULT_MONTE_CARLO = Object.freeze({ samples: 100_000, seed: 0, confidence: 0.99 });

/** ceil(x), but a value within float rounding of an integer counts as that integer. */
export function ceilCount(x: number): number {
  const nearest = Math.round(x);
  const count = Math.abs(x - nearest) <= 1e-9 * Math.max(1, Math.abs(x)) ? nearest : Math.ceil(x);
  // any positive amount of training is at least one step (1e-300 epochs once became 0 steps)
  return x > 0 ? Math.max(1, count) : count;
}

/** Steps derived from epochs beyond what the accountants take: the message names epochs, the user's input. */
function tooManySteps(path: readonly (string | number)[], epochs: number, steps: number, problems: string[]): boolean {
  if (steps <= MAX_STEPS) return false;
  problems.push(
    `${formatPath([...path, 'epochs'])}: expected at most ${MAX_STEPS_TEXT} steps in all, got ${epochs} epochs = ${formatCount(steps)} steps`,
  );
  return true;
}

function formatCount(x: number): string {
  return x < 1e15 ? String(x) : x.toPrecision(3).replace('e+', 'e');
}

function planStage(stage: SpecStage, index: number, adjacency: Adjacency, problems: string[], notes: string[]): PlanStage | undefined {
  const path = ['stages', index] as const;
  const label = stage.name ? `stages[${index}] (${stage.name})` : `stages[${index}]`;
  // the validated spec's mechanism is the plan's: both have the one type of src/mechanism.ts
  const mechanism = stage.mechanism;
  const s = stage.sampler;
  if (s === undefined) return { label, mechanism, sampler: 'none', steps: stage.steps! };
  if (s.kind === 'fixed-size' && adjacency === 'add-remove') {
    problems.push(
      `adjacency: the fixed-size sampler is accounted under "replace-one" (the Poisson-type pair at shift 2) or "zero-out" (the Poisson pair ` +
        'at rate batchSize / datasetSize); under add-remove a fixed batch size is drawn from datasets of different sizes, no tight ' +
        'dominating pair is known and the Poisson figure is not a valid substitute (Lebeda et al. 2024), so it is refused',
    );
    return undefined;
  }
  if (adjacency === 'replace-one' && s.kind !== 'deterministic' && s.kind !== 'fixed-size') {
    problems.push(
      `${formatPath([...path, 'sampler'])}: adjacency "replace-one" is not supported with the ${s.kind} sampler ` +
        '(a subsampled mechanism under replace-one needs its own dominating pair); use add-remove or zero-out',
    );
    return undefined;
  }
  if (s.kind === 'fixed-size') {
    let steps = stage.steps;
    if (steps === undefined) {
      const exact = (stage.epochs! * s.datasetSize) / s.batchSize;
      steps = ceilCount(exact);
      if (tooManySteps(path, stage.epochs!, steps, problems)) return undefined;
      if (steps !== exact) notes.push(`${label}: ${stage.epochs} epochs = ${exact} steps, rounded up to ${steps}`);
    }
    return {
      label,
      mechanism,
      sampler: 'fixed-size',
      fixedSize: { batchSize: s.batchSize, datasetSize: s.datasetSize },
      stepsPerEpoch: s.datasetSize / s.batchSize,
      steps,
    };
  }
  if (s.kind === 'truncated-poisson') {
    const q = s.rate ?? s.batchSize! / s.datasetSize;
    let steps = stage.steps;
    if (steps === undefined) {
      const exact = stage.epochs! / q;
      steps = ceilCount(exact);
      if (tooManySteps(path, stage.epochs!, steps, problems)) return undefined;
      if (steps !== exact) notes.push(`${label}: ${stage.epochs} epochs = ${exact} steps, rounded up to ${steps}`);
    }
    return {
      label,
      mechanism,
      sampler: 'truncated-poisson',
      poissonRate: q,
      truncation: { datasetSize: s.datasetSize, maxBatchSize: s.maxBatchSize },
      stepsPerEpoch: 1 / q,
      steps,
    };
  }
  if (s.kind === 'poisson') {
    const q = s.rate ?? s.batchSize! / s.datasetSize!;
    let steps = stage.steps;
    if (steps === undefined) {
      const exact = s.rate !== undefined ? stage.epochs! / s.rate : (stage.epochs! * s.datasetSize!) / s.batchSize!;
      steps = ceilCount(exact);
      if (tooManySteps(path, stage.epochs!, steps, problems)) return undefined;
      if (steps !== exact) notes.push(`${label}: ${stage.epochs} epochs = ${exact} steps, rounded up to ${steps}`);
    }
    const stepsPerEpoch = s.datasetSize !== undefined ? s.datasetSize / s.batchSize! : 1 / q;
    return { label, mechanism, sampler: 'poisson', poissonRate: q, stepsPerEpoch, steps };
  }
  let stepsPerEpoch = s.stepsPerEpoch;
  if (stepsPerEpoch === undefined) {
    stepsPerEpoch = Math.ceil(s.datasetSize! / s.batchSize!);
    if (s.datasetSize! % s.batchSize! !== 0)
      notes.push(
        `${label}: ${s.datasetSize} / ${s.batchSize} = ${s.datasetSize! / s.batchSize!} batches per epoch, counted as ${stepsPerEpoch} (the last batch is smaller)`,
      );
  }
  let epochs = stage.epochs;
  if (epochs === undefined) {
    epochs = stage.steps! / stepsPerEpoch;
    if (!Number.isInteger(epochs)) {
      problems.push(
        `${formatPath([...path, 'steps'])}: expected a multiple of the ${stepsPerEpoch} steps per epoch with the ${s.kind} sampler, got ${stage.steps} (give epochs instead)`,
      );
      return undefined;
    }
  }
  return { label, mechanism, sampler: s.kind, stepsPerEpoch, epochs, steps: stepsPerEpoch * epochs };
}

/** Derives the plan; throws InputErrors listing every problem the schema could not see. */
export function planFromSpec(spec: Spec): AccountingPlan {
  const adjacency: Adjacency = spec.adjacency ?? 'add-remove';
  const problems: string[] = [];
  const notes: string[] = [];
  const k = spec.privacyUnit === 'user' ? spec.examplesPerUser : undefined;
  const stages = spec.stages.map((s, i) => {
    const stage = planStage(s, i, adjacency, problems, notes);
    if (stage === undefined || k === undefined) return stage;
    const converted = userLevelMechanism(stage, k);
    if (typeof converted === 'string') {
      problems.push(`${formatPath(['stages', i])}: ${converted} (examplesPerUser = ${k})`);
      return undefined;
    }
    if (k > 1)
      notes.push(
        `${stage.label}: ${k} examples per user` +
          (stage.sampler === 'poisson'
            ? `, each sampled with probability ${stage.poissonRate}: a user's contribution is Binomial(${k}, q) clipped examples, a mixture of Gaussians`
            : `: accounted with ${k} times the sensitivity (group privacy)`),
      );
    return { ...stage, examplesPerUser: k };
  });
  if (problems.length > 0) throw new InputErrors(problems);
  const epsilons = Array.isArray(spec.epsilon) ? spec.epsilon : undefined;
  const query: Query =
    spec.epsilon !== undefined
      ? { quantity: 'delta', epsilon: epsilons ? epsilons[0] : (spec.epsilon as number) }
      : { quantity: 'epsilon', delta: spec.delta ?? spec.budget!.delta };
  return {
    stages: stages as PlanStage[],
    adjacency,
    privacyUnit: spec.privacyUnit ?? 'example',
    query,
    ...(epsilons ? { epsilons: [...epsilons] } : {}),
    ...(spec.budget ? { budget: { epsilon: spec.budget.epsilon, delta: spec.budget.delta } } : {}),
    ...(spec.repeatAndSelect
      ? {
          repeatAndSelect: {
            mean: spec.repeatAndSelect.mean,
            shape: spec.repeatAndSelect.shape === 'infinity' ? Infinity : spec.repeatAndSelect.shape,
          },
        }
      : {}),
    accountant: {
      name: spec.accountant?.name ?? 'pld',
      discretization: spec.accountant?.discretization ?? DEFAULT_DISCRETIZATION,
      ...(spec.accountant?.discretization !== undefined ? { fixedGrid: true } : {}),
      ...(spec.accountant?.precision !== undefined ? { precision: spec.accountant.precision } : {}),
      ...(spec.accountant?.method !== undefined ? { method: spec.accountant.method } : {}),
      monteCarlo: {
        samples: spec.accountant?.samples ?? DEFAULT_MONTE_CARLO.samples,
        seed: spec.accountant?.seed ?? DEFAULT_MONTE_CARLO.seed,
        confidence: spec.accountant?.confidence ?? DEFAULT_MONTE_CARLO.confidence,
        ...(spec.accountant?.costLimitSeconds !== undefined ? { costLimitSeconds: spec.accountant.costLimitSeconds } : {}),
        ...(spec.accountant?.maxSeconds !== undefined ? { maxSeconds: spec.accountant.maxSeconds } : {}),
        requested: spec.accountant?.samples !== undefined,
      },
    },
    notes,
  };
}

export { engineStage } from '../plan.js';
