/**
 * Flags of the one-configuration commands (`epsilon`, `delta`, `calibrate`, `compare`) -> a spec with
 * one DP-SGD stage -> an AccountingPlan. Cross-flag rules are checked here so that errors name flags.
 */
import { InputError, InputErrors } from '../errors.js';
import type { SamplerKind, Spec, SpecStage } from '../spec/schema.js';
import { validateSpec } from '../spec/validate.js';
import { planFromSpec, type AccountingPlan } from '../spec/plan.js';
import { flagName, type OptionKey, type OptionValues } from './options.js';

/** Options that describe a training run. */
export const TRAINING_OPTIONS = [
  'sigma',
  'sampler',
  'samplingRate',
  'batchSize',
  'datasetSize',
  'maxBatchSize',
  'examplesPerUser',
  'stepsPerEpoch',
  'steps',
  'epochs',
  'adjacency',
  'accountant',
  'discretization',
  'precision',
  'method',
  'samples',
  'seed',
  'confidence',
  'costLimit',
  'maxSeconds',
] as const satisfies readonly OptionKey[];

export type TrainingFlags = OptionValues<(typeof TRAINING_OPTIONS)[number]>;

export type StageParameter = 'sigma' | 'sampling' | 'length';

const missing = (key: OptionKey, what: string) => `${flagName(key)}: missing, expected ${what}`;

/**
 * Checks the flags that describe one training stage; `free` names the parameter being calibrated
 * (not required). Every problem at once.
 */
/** The sampler the flags ask for: --sampler, else truncated-poisson when --max-batch-size is given, else poisson. */
function samplerOf(f: TrainingFlags): SamplerKind {
  return f.sampler ?? (f.maxBatchSize !== undefined ? 'truncated-poisson' : 'poisson');
}

/** Samplers that need --batch-size and --dataset-size (the dataset size enters the analysis). */
const SIZED = new Set<SamplerKind>(['truncated-poisson', 'fixed-size']);

export function checkTrainingFlags(f: TrainingFlags, free: readonly StageParameter[] = []): void {
  const problems: string[] = [];
  const sampler: SamplerKind = samplerOf(f);
  if (f.maxBatchSize !== undefined && sampler !== 'truncated-poisson')
    problems.push(`--max-batch-size: only with --sampler truncated-poisson (the default when it is given), not ${sampler}`);
  if (sampler === 'truncated-poisson' && f.maxBatchSize === undefined)
    problems.push(missing('maxBatchSize', 'a positive integer (the largest batch the truncated-poisson sampler keeps)'));
  if (SIZED.has(sampler) && !free.includes('sampling') && (f.batchSize === undefined || f.datasetSize === undefined))
    problems.push(`--batch-size and --dataset-size: expected both with --sampler ${sampler}`);
  if (f.maxBatchSize !== undefined && f.datasetSize !== undefined && f.maxBatchSize > f.datasetSize)
    problems.push(new InputError('--max-batch-size', `at most --dataset-size (${f.datasetSize})`, f.maxBatchSize).message);
  if (f.sigma === undefined && !free.includes('sigma')) problems.push(missing('sigma', 'a number > 0 (the noise multiplier)'));
  if (!free.includes('sampling')) {
    const forms = [
      f.samplingRate !== undefined,
      f.batchSize !== undefined || f.datasetSize !== undefined,
      f.stepsPerEpoch !== undefined,
    ].filter(Boolean).length;
    if (forms === 0)
      problems.push(
        sampler === 'poisson'
          ? `${flagName('samplingRate')}: missing, give --sampling-rate, or --batch-size with --dataset-size, or --steps-per-epoch`
          : `${flagName('stepsPerEpoch')}: missing, give --steps-per-epoch, or --batch-size with --dataset-size`,
      );
    else if (forms > 1) problems.push('give only one of --sampling-rate, --batch-size with --dataset-size, and --steps-per-epoch');
    if ((f.batchSize === undefined) !== (f.datasetSize === undefined))
      problems.push(
        f.batchSize === undefined
          ? missing('batchSize', 'a positive integer (goes with --dataset-size)')
          : missing('datasetSize', 'a positive integer (goes with --batch-size)'),
      );
    if (f.batchSize !== undefined && f.datasetSize !== undefined && f.batchSize > f.datasetSize)
      problems.push(new InputError('--batch-size', `at most --dataset-size (${f.datasetSize})`, f.batchSize).message);
    if (sampler !== 'poisson' && f.samplingRate !== undefined)
      problems.push(
        `--sampling-rate: only with --sampler poisson; with --sampler ${sampler} give --steps-per-epoch or --batch-size with --dataset-size`,
      );
  }
  if (!free.includes('length')) {
    if (f.steps === undefined && f.epochs === undefined) problems.push(`${flagName('steps')}: missing, give --steps or --epochs`);
    if (f.steps !== undefined && f.epochs !== undefined) problems.push('give --steps or --epochs, not both');
  }
  if (sampler !== 'poisson' && f.epochs !== undefined && !Number.isInteger(f.epochs))
    problems.push(new InputError('--epochs', `a whole number with --sampler ${sampler}`, f.epochs).message);
  if (sampler !== 'balls-and-bins' && f.method !== undefined)
    problems.push(`--method: only with --sampler balls-and-bins (how its bound is computed), not ${sampler}`);
  if (sampler !== 'balls-and-bins')
    for (const key of ['samples', 'seed', 'confidence', 'costLimit', 'maxSeconds'] as const)
      if (f[key] !== undefined) problems.push(`${flagName(key)}: only with --sampler balls-and-bins (Monte Carlo)`);
  if (problems.length) throw new InputErrors(problems);
}

/** The spec stage the flags describe (after checkTrainingFlags). */
export function trainingStage(f: TrainingFlags): SpecStage {
  const sampler: SamplerKind = samplerOf(f);
  const length = f.steps !== undefined ? { steps: f.steps } : { epochs: f.epochs! };
  const sizes = f.batchSize !== undefined ? { batchSize: f.batchSize, datasetSize: f.datasetSize! } : undefined;
  const mechanism = { kind: 'gaussian' as const, noiseMultiplier: f.sigma! };
  if (sampler === 'poisson') {
    const form = sizes ?? { rate: f.samplingRate ?? 1 / f.stepsPerEpoch! };
    return { mechanism, sampler: { kind: 'poisson', ...form }, ...length };
  }
  if (sampler === 'truncated-poisson')
    return {
      mechanism,
      sampler: { kind: 'truncated-poisson', batchSize: f.batchSize!, datasetSize: f.datasetSize!, maxBatchSize: f.maxBatchSize! },
      ...length,
    };
  if (sampler === 'fixed-size')
    return { mechanism, sampler: { kind: 'fixed-size', batchSize: f.batchSize!, datasetSize: f.datasetSize! }, ...length };
  return { mechanism, sampler: { kind: sampler, ...(sizes ?? { stepsPerEpoch: f.stepsPerEpoch! }) }, ...length };
}

export type QueryFlags = { delta: number } | { epsilon: number };

/** Spec text the flags stand for (also shown in --json inputs). */
export function trainingSpec(f: TrainingFlags, query: QueryFlags): Spec {
  return {
    ...query,
    ...(f.adjacency ? { adjacency: f.adjacency } : {}),
    ...(f.examplesPerUser !== undefined ? { privacyUnit: 'user' as const, examplesPerUser: f.examplesPerUser } : {}),
    accountant: {
      name: f.accountant ?? 'pld',
      ...(f.discretization !== undefined ? { discretization: f.discretization } : {}),
      ...(f.precision !== undefined ? { precision: f.precision } : {}),
      ...(f.method !== undefined ? { method: f.method } : {}),
      ...(f.samples !== undefined ? { samples: f.samples } : {}),
      ...(f.seed !== undefined ? { seed: f.seed } : {}),
      ...(f.confidence !== undefined ? { confidence: f.confidence } : {}),
      ...(f.costLimit !== undefined ? { costLimitSeconds: f.costLimit } : {}),
      ...(f.maxSeconds !== undefined ? { maxSeconds: f.maxSeconds } : {}),
    },
    stages: [trainingStage(f)],
  };
}

export function trainingPlan(f: TrainingFlags, query: QueryFlags): AccountingPlan {
  try {
    return planFromSpec(validateSpec(trainingSpec(f, query)));
  } catch (e) {
    if (e instanceof InputErrors) throw new InputErrors(e.problems.map((p) => flagWords(p, f)));
    if (e instanceof InputError) throw new InputErrors([flagWords(e.message, f)]);
    throw e;
  }
}

/** Spec paths of the one stage the flags describe, and the flags that set them. */
const STAGE_FLAGS: readonly (readonly [string, string])[] = [
  ['stages[0].mechanism.noiseMultiplier', '--sigma'],
  ['stages[0].sampler.rate', '--sampling-rate'],
  ['stages[0].sampler.batchSize', '--batch-size'],
  ['stages[0].sampler.datasetSize', '--dataset-size'],
  ['stages[0].sampler.stepsPerEpoch', '--steps-per-epoch'],
  ['stages[0].sampler.maxBatchSize', '--max-batch-size'],
  ['stages[0].sampler.kind', '--sampler'],
  ['stages[0].epochs', '--epochs'],
  ['stages[0].steps', '--steps'],
  ['stages[0].sampler', '--sampler'],
  ['adjacency', '--adjacency'],
  ['delta', '--delta'],
];

/**
 * A spec message about the stage the flags stand for, in the flags' words: the path becomes the flag
 * (`stages[0].epochs` -> `--epochs`), and an adjacency the sampler cannot take names --adjacency.
 */
export function flagWords(message: string, f: TrainingFlags): string {
  const replaceOne = /^stages\[0\]\.sampler: adjacency "replace-one" is not supported with the (\S+) sampler(.*)$/.exec(message);
  if (replaceOne) return `--adjacency: "replace-one" is not supported with --sampler ${replaceOne[1]}${replaceOne[2]}`;
  for (const [path, flag] of STAGE_FLAGS) {
    if (!message.startsWith(`${path}:`) && !message.startsWith(`${path} `)) continue;
    // steps that --epochs produced are the epochs' fault
    const named = flag === '--steps' && f.steps === undefined && f.epochs !== undefined ? '--epochs' : flag;
    return named + message.slice(path.length);
  }
  return message;
}
