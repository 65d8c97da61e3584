/**
 * The JSON accounting spec: one private release described as a list of stages. This zod schema is the
 * single source of the spec's TypeScript types, of its validation (src/spec/validate.ts) and of the JSON
 * Schema printed by `dpacct schema` (z.toJSONSchema). Every object is strict, so a misspelt key is an
 * error instead of a silent default.
 *
 * Rules that tie several fields together (exactly one of `steps`/`epochs`, `rate` or
 * `batchSize`+`datasetSize`, ...) are checked in the `superRefine` at the bottom and reported with the
 * same `path: expected ..., got ...` wording as the per-field checks.
 */
import { z } from 'zod';
import { domains } from '../domains.js';
import { mechanismSchema, SAMPLER_KINDS, type SamplerKind } from '../mechanism.js';
import { SPEC_SCHEMA_VERSION } from '../version.js';
import { ALLOCATION_METHODS } from '../plan.js';

const d = domains;

export { mechanismSchema, SAMPLER_KINDS, type SamplerKind };
export const ADJACENCIES = ['add-remove', 'zero-out', 'replace-one'] as const;
export const PRIVACY_UNITS = ['example', 'user', 'sequence'] as const;
export const ACCOUNTANTS = ['pld', 'rdp'] as const;
export { ALLOCATION_METHODS };

const poissonSampler = z
  .object({
    kind: z.literal('poisson'),
    rate: d.rate.schema.optional().describe('sampling rate q (give this or batchSize and datasetSize)'),
    batchSize: d.positiveInteger.schema.optional().describe('expected batch size; q = batchSize / datasetSize'),
    datasetSize: d.positiveInteger.schema.optional().describe('number of privacy units in the dataset'),
  })
  .strict()
  .describe('Poisson subsampling: each unit joins each step independently with probability q');

const truncatedPoissonSampler = z
  .object({
    kind: z.literal('truncated-poisson'),
    rate: d.rate.schema.optional().describe('sampling rate q (give this or batchSize)'),
    batchSize: d.positiveInteger.schema.optional().describe('expected batch size; q = batchSize / datasetSize'),
    datasetSize: d.positiveInteger.schema.describe('number of privacy units in the dataset'),
    maxBatchSize: d.positiveInteger.schema.describe('a larger batch is cut to this size at random'),
  })
  .strict()
  .describe('Poisson sampling with a maximum batch size (arXiv 2508.15089)');

const fixedSizeSampler = z
  .object({
    kind: z.literal('fixed-size'),
    batchSize: d.positiveInteger.schema.describe('batch size b, drawn without replacement every step'),
    datasetSize: d.positiveInteger.schema.describe('number of privacy units in the dataset'),
  })
  .strict()
  .describe('batches of exactly batchSize units drawn without replacement, independently each step (replace-one or zero-out adjacency)');

function batchSampler<K extends Exclude<SamplerKind, 'poisson' | 'truncated-poisson' | 'fixed-size'>>(kind: K, description: string) {
  return z
    .object({
      kind: z.literal(kind),
      stepsPerEpoch: d.positiveInteger.schema.optional().describe('batches per epoch T (give this or batchSize and datasetSize)'),
      batchSize: d.positiveInteger.schema.optional().describe('batch size; T = ceil(datasetSize / batchSize)'),
      datasetSize: d.positiveInteger.schema.optional().describe('number of privacy units in the dataset'),
    })
    .strict()
    .describe(description);
}

export const samplerSchema = z.discriminatedUnion('kind', [
  poissonSampler,
  batchSampler('deterministic', 'fixed batches: every unit in exactly one batch per epoch (exact accounting)'),
  batchSampler('shuffle', 'a fresh random permutation each epoch cut into batches (lower bounds only)'),
  batchSampler('persistent-shuffle', 'one random permutation reused every epoch (lower bounds only)'),
  batchSampler('balls-and-bins', 'each unit joins one uniformly random batch per epoch'),
  truncatedPoissonSampler,
  fixedSizeSampler,
]);

export const stageSchema = z
  .object({
    name: z.string().optional().describe('a label for reports'),
    mechanism: mechanismSchema,
    sampler: samplerSchema.optional().describe('how the input of each step is sampled; omitted = the whole dataset'),
    steps: d.steps.schema.optional().describe('number of steps (give this or epochs)'),
    epochs: d.epochs.schema.optional().describe('number of epochs; needs a sampler; steps = ceil(epochs * steps per epoch)'),
  })
  .strict();

export const budgetSchema = z
  .object({
    epsilon: d.positive.schema.describe('largest epsilon allowed'),
    delta: d.openProbability.schema.describe('delta at which epsilon is measured'),
  })
  .strict()
  .describe('privacy budget checked by `dpacct check`');

export const accountantSchema = z
  .object({
    name: z.enum(ACCOUNTANTS).optional().describe('pld (default, tight) or rdp (looser, cheaper upper bound)'),
    discretization: d.discretization.schema.optional().describe('PLD grid interval, fixed; without it the grid is chosen for `precision`'),
    precision: d.precision.schema.optional().describe('PLD target relative width (upper - lower) / upper of the answer; default 0.001'),
    method: z
      .enum(ALLOCATION_METHODS)
      .optional()
      .describe(
        'balls-and-bins bound: pld (default, certified interval), decomposition (through Poisson subsampling, one epoch) or rdp ' +
          '(Renyi remove direction, shifted Gaussian add direction); the last two are looser upper bounds (Feldman & Shenfeld 2025)',
      ),
    samples: d.positiveInteger.schema.optional().describe('Monte Carlo samples per direction (balls-and-bins); default 100000'),
    seed: d.nonNegativeInteger.schema.optional().describe('Monte Carlo seed: the same seed gives the same numbers; default 0'),
    confidence: d.confidence.schema.optional().describe('confidence of Monte Carlo upper bounds; default 0.99'),
    costLimitSeconds: d.positive.schema
      .optional()
      .describe('refuse Monte Carlo runs whose estimated time exceeds this many seconds (the estimate is printed); default 600'),
    maxSeconds: d.positive.schema
      .optional()
      .describe('stop Monte Carlo sampling after this many seconds and report what the samples drawn by then give'),
  })
  .strict();

export const specSchema = z
  .object({
    $schema: z.string().optional().describe('URL or path of this JSON Schema, for editors'),
    schemaVersion: z.literal(SPEC_SCHEMA_VERSION).optional().describe('spec format version'),
    name: z.string().optional(),
    description: z.string().optional(),
    privacyUnit: z.enum(PRIVACY_UNITS).optional().describe('what one neighbouring change protects; default example'),
    repeatAndSelect: z
      .object({
        mean: z.number({ error: 'a number >= 1' }).gte(1, { error: 'a number >= 1' }).describe('mean number of runs'),
        shape: z
          .union([d.nonNegative.schema, z.literal('infinity')], { error: 'a number >= 0 or "infinity"' })
          .describe('distribution of the number of runs: 1 geometric, 0 logarithmic, eta truncated negative binomial, "infinity" Poisson'),
      })
      .strict()
      .optional()
      .describe(
        'the stages are one run, repeated a random number of times and only the best run released (rdp accountant; Papernot and Steinke 2022)',
      ),
    examplesPerUser: d.positiveInteger.schema
      .optional()
      .describe('with privacyUnit "user": examples each user contributes (samplers then draw examples, not users)'),
    adjacency: z.enum(ADJACENCIES).optional().describe('neighbouring datasets; default add-remove'),
    delta: d.openProbability.schema.optional().describe('query epsilon at this delta'),
    epsilon: z
      .union([d.nonNegative.schema, z.array(d.nonNegative.schema).min(1, { error: 'a non-empty list of numbers >= 0' })], {
        error: 'a number >= 0 or a non-empty list of numbers >= 0',
      })
      .optional()
      .describe('query delta at this epsilon, or at each epsilon of a list (the curve delta(epsilon))'),
    budget: budgetSchema.optional(),
    accountant: accountantSchema.optional(),
    stages: z.array(stageSchema).min(1, { error: 'at least one stage' }).describe('the releases, composed in order'),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const problem = (path: (string | number)[], message: string, input?: unknown) => ctx.addIssue({ code: 'custom', path, message, input });
    if (spec.delta !== undefined && spec.epsilon !== undefined)
      problem(['epsilon'], 'give delta (to query epsilon) or epsilon (to query delta), not both', spec.epsilon);
    if (spec.delta === undefined && spec.epsilon === undefined && spec.budget === undefined)
      problem([], 'give delta (to query epsilon), epsilon (to query delta) or a budget');
    if (spec.examplesPerUser !== undefined && spec.privacyUnit !== 'user')
      problem(['examplesPerUser'], 'expected privacyUnit "user" beside examplesPerUser', spec.examplesPerUser);
    const method = spec.accountant?.method;
    if (method !== undefined && method !== 'pld' && !(spec.stages.length === 1 && spec.stages[0].sampler?.kind === 'balls-and-bins'))
      problem(
        ['accountant', 'method'],
        `method ${method} bounds a spec of one balls-and-bins stage only (several stages compose balls-and-bins through its PLD): expected pld here, got "${method}"`,
        method,
      );
    spec.stages.forEach((stage, i) => {
      const at = (...rest: (string | number)[]) => ['stages', i, ...rest];
      const m = stage.mechanism;
      if (m.kind === 'randomized-response' && (m.noiseParameter === undefined) === (m.epsilon === undefined))
        problem(at('mechanism'), 'give exactly one of noiseParameter and epsilon');
      if (m.kind === 'mixture-of-gaussians') {
        if (m.probabilities.length !== m.sensitivities.length)
          problem(
            at('mechanism', 'probabilities'),
            `expected ${m.sensitivities.length} probabilities (one per sensitivity), got ${m.probabilities.length}`,
          );
        const sum = m.probabilities.reduce((a, b) => a + b, 0);
        if (!(Math.abs(sum - 1) <= 1e-9))
          problem(at('mechanism', 'probabilities'), `expected probabilities summing to 1, got a sum of ${sum}`);
      }
      if ((stage.steps === undefined) === (stage.epochs === undefined)) problem(at(), 'give exactly one of steps and epochs');
      if (stage.epochs !== undefined && stage.sampler === undefined)
        problem(at('epochs'), 'epochs needs a sampler (or give steps instead)', stage.epochs);
      const s = stage.sampler;
      if (s === undefined) return;
      if (m.kind === 'tree-aggregation') {
        problem(at('sampler'), 'no sampler with tree aggregation (each unit is in one leaf of one tree per epoch)', s.kind);
        return;
      }
      if (s.kind === 'truncated-poisson' || s.kind === 'fixed-size') {
        if (s.batchSize !== undefined && validSize(s.datasetSize) && s.batchSize > s.datasetSize)
          problem(at('sampler', 'batchSize'), `expected at most datasetSize (${s.datasetSize}), got ${s.batchSize}`);
        if (s.kind === 'truncated-poisson') {
          if ((s.rate === undefined) === (s.batchSize === undefined)) problem(at('sampler'), 'give rate or batchSize (one of the two)');
          if (validSize(s.datasetSize) && s.maxBatchSize > s.datasetSize)
            problem(at('sampler', 'maxBatchSize'), `expected at most datasetSize (${s.datasetSize}), got ${s.maxBatchSize}`);
        }
        if (m.kind !== 'gaussian')
          problem(at('sampler', 'kind'), `the ${s.kind} sampler is accounted for gaussian mechanisms only`, s.kind);
        return;
      }
      const hasSizes = s.batchSize !== undefined || s.datasetSize !== undefined;
      if (s.batchSize !== undefined && validSize(s.datasetSize) && s.batchSize > s.datasetSize)
        problem(at('sampler', 'batchSize'), `expected at most datasetSize (${s.datasetSize}), got ${s.batchSize}`);
      if (hasSizes && (s.batchSize === undefined || s.datasetSize === undefined))
        problem(at('sampler'), 'batchSize and datasetSize go together');
      if (s.kind === 'poisson') {
        if ((s.rate === undefined) === !hasSizes) problem(at('sampler'), 'give rate, or batchSize and datasetSize (one of the two)');
      } else {
        if ((s.stepsPerEpoch === undefined) === !hasSizes)
          problem(at('sampler'), 'give stepsPerEpoch, or batchSize and datasetSize (one of the two)');
        if (stage.epochs !== undefined && !Number.isInteger(stage.epochs))
          problem(at('epochs'), `expected a whole number of epochs with the ${s.kind} sampler, got ${stage.epochs}`);
        if (m.kind !== 'gaussian')
          problem(at('sampler', 'kind'), `the ${s.kind} sampler is accounted for gaussian mechanisms only`, s.kind);
      }
    });
  });

export type Spec = z.infer<typeof specSchema>;
export type SpecStage = z.infer<typeof stageSchema>;
export type SpecSampler = z.infer<typeof samplerSchema>;
export type SpecMechanism = z.infer<typeof mechanismSchema>;

/** The JSON Schema of the spec, generated from the zod schema above (never written by hand). */
export function specJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(specSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}

/** A dataset size that is itself valid (cross-field checks against an invalid one would repeat its problem). */
function validSize(n: number | undefined): n is number {
  return n !== undefined && Number.isSafeInteger(n) && n > 0;
}
