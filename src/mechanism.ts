/**
 * The vocabulary shared by every accountant: what one step releases (a mechanism), how its input is
 * sampled, how many times it runs, and which datasets count as neighbours.
 */
import { z } from 'zod';
import { domains } from './domains.js';

const d = domains;

/**
 * How the input of each step is sampled (the spec's sampler kinds; each has an accountant in
 * accountants/index.ts, and src/spec/schema.ts gives each its fields).
 */
export const SAMPLER_KINDS = [
  'poisson',
  'deterministic',
  'shuffle',
  'persistent-shuffle',
  'balls-and-bins',
  'truncated-poisson',
  'fixed-size',
] as const;
export type SamplerKind = (typeof SAMPLER_KINDS)[number];

const gaussian = z
  .object({
    kind: z.literal('gaussian'),
    noiseMultiplier: d.positive.schema.describe('noise standard deviation divided by the clip norm (sigma)'),
    sensitivity: d.positive.schema.optional().describe('L2 sensitivity in units of the clip norm; default 1'),
  })
  .strict()
  .describe('Gaussian noise, e.g. one DP-SGD step');

const laplace = z
  .object({
    kind: z.literal('laplace'),
    scale: d.positive.schema.describe('Laplace scale b'),
    sensitivity: d.positive.schema.optional().describe('L1 sensitivity of the query; default 1'),
  })
  .strict()
  .describe('Laplace noise on a query of L1 sensitivity `sensitivity`');

const randomizedResponse = z
  .object({
    kind: z.literal('randomized-response'),
    categories: d.categories.schema.describe('number of answers k'),
    noiseParameter: d.noiseParameter.schema
      .optional()
      .describe('probability of replacing the true answer by a uniformly random one (give this or epsilon)'),
    epsilon: d.positive.schema.optional().describe('pure-DP level of the response (give this or noiseParameter)'),
  })
  .strict()
  .describe('k-ary randomized response');

const epsDelta = z
  .object({
    kind: z.literal('eps-delta'),
    epsilon: d.nonNegative.schema.describe('epsilon of the step'),
    delta: d.deltaOfStep.schema.describe('delta of the step'),
  })
  .strict()
  .describe('any (epsilon, delta)-DP step');

const discreteLaplace = z
  .object({
    kind: z.literal('discrete-laplace'),
    parameter: d.positive.schema.describe('noise parameter a: P(x) proportional to exp(-a |x|) on the integers'),
    sensitivity: d.positiveInteger.schema.optional().describe('integer sensitivity of the query; default 1'),
  })
  .strict()
  .describe('discrete Laplace noise on an integer query');

const discreteGaussian = z
  .object({
    kind: z.literal('discrete-gaussian'),
    sigma: d.positive.schema.describe('scale sigma: P(x) proportional to exp(-x^2 / (2 sigma^2)) on the integers'),
    sensitivity: d.positiveInteger.schema.optional().describe('integer sensitivity of the query; default 1'),
  })
  .strict()
  .describe('discrete Gaussian noise on an integer query (Canonne, Kamath, Steinke 2020)');

const mixtureOfGaussians = z
  .object({
    kind: z.literal('mixture-of-gaussians'),
    noiseMultiplier: d.positive.schema.describe('noise standard deviation divided by the clip norm'),
    sensitivities: z
      .array(d.nonNegative.schema)
      .min(1, { error: 'a non-empty list of numbers >= 0' })
      .describe('shift of each component, in clip norms'),
    probabilities: z
      .array(d.probability.schema)
      .min(1, { error: 'a non-empty list of numbers in [0, 1]' })
      .describe('weight of each component; they sum to 1'),
  })
  .strict()
  .describe('without the unit N(0, sigma^2), with it sum_i p_i N(c_i, sigma^2) (e.g. user-level DP-SGD)');

const exponential = z
  .object({ kind: z.literal('exponential'), epsilon: d.nonNegative.schema.describe('privacy parameter of the exponential mechanism') })
  .strict()
  .describe('the exponential mechanism (epsilon-DP, bounded range)');

const permuteAndFlip = z
  .object({ kind: z.literal('permute-and-flip'), epsilon: d.nonNegative.schema.describe('privacy parameter of permute-and-flip') })
  .strict()
  .describe('permute-and-flip (McKenna and Sheldon 2020)');

const zcdp = z
  .object({
    kind: z.literal('zcdp'),
    rho: d.nonNegative.schema.describe('rho of the rho-zCDP guarantee'),
    xi: d.nonNegative.schema.optional().describe('xi of an (xi, rho)-zCDP guarantee; default 0'),
  })
  .strict()
  .describe('any zCDP step (accounted by the rdp accountant)');

const treeAggregation = z
  .object({
    kind: z.literal('tree-aggregation'),
    noiseMultiplier: d.positive.schema.describe('noise standard deviation of each tree node divided by the clip norm'),
    stepCounts: z
      .union([d.positiveInteger.schema, z.array(d.positiveInteger.schema).min(1, { error: 'a non-empty list of positive integers' })])
      .describe('steps of each tree (restart); each unit is in one leaf of one tree'),
    sensitivity: d.positive.schema.optional().describe('L2 sensitivity in units of the clip norm; default 1'),
  })
  .strict()
  .describe('single-epoch tree aggregation (DP-FTRL, Kairouz et al. 2021, appendix D): one step is one epoch of trees');

/** One noisy release, sensitivity 1 unless said: the zod schema is the single source of the type. */
export const mechanismSchema = z.discriminatedUnion('kind', [
  gaussian,
  laplace,
  randomizedResponse,
  epsDelta,
  discreteLaplace,
  discreteGaussian,
  mixtureOfGaussians,
  exponential,
  permuteAndFlip,
  zcdp,
  treeAggregation,
]);

/**
 * - gaussian: a sum of clipped gradients plus N(0, (noiseMultiplier * clip norm)^2) noise; `sensitivity` is the
 *   L2 sensitivity in units of the clip norm (default 1), so what counts is sensitivity / noiseMultiplier;
 * - laplace: noise of scale `scale` on a query of L1 sensitivity `sensitivity`;
 * - randomized-response: k-ary, with probability 1 - noiseParameter the true category, otherwise a uniformly
 *   random one of the `categories` (dp_accounting's parametrization); or `epsilon`, the pure-DP level, from
 *   which noiseParameter = k / (e^eps + k - 1);
 * - eps-delta: any (epsilon, delta)-DP step, accounted through its dominating pair.
 */
export type Mechanism = Readonly<z.infer<typeof mechanismSchema>>;

/**
 * Neighbouring datasets:
 * - `add-remove`: one example added or removed (the DP-SGD default);
 * - `zero-out`: one example replaced by a zero gradient (dataset size public); same pairs as add-remove here;
 * - `replace-one`: one example replaced by another (doubles the sensitivity of an unsampled mechanism).
 */
export type Adjacency = 'add-remove' | 'zero-out' | 'replace-one';

/**
 * Poisson sampling whose batch is cut to `maxBatchSize` (uniformly at random) when it overflows
 * (arXiv 2508.15089); with `poissonRate` q over `datasetSize` units.
 */
export interface Truncation {
  readonly datasetSize: number;
  readonly maxBatchSize: number;
}

/** Batches of exactly `batchSize` units drawn without replacement from `datasetSize`, fresh every step. */
export interface FixedSize {
  readonly batchSize: number;
  readonly datasetSize: number;
}

/**
 * A mechanism run `steps` times, optionally on a Poisson subsample of rate `poissonRate` (truncated at a
 * maximum batch when `truncation` is given), or on a fixed-size batch (`fixedSize`).
 */
export interface Stage {
  readonly mechanism: Mechanism;
  /** Poisson subsampling rate q in (0, 1]; omitted = the whole dataset every step */
  readonly poissonRate?: number;
  /** with poissonRate: the batch is cut to a maximum size */
  readonly truncation?: Truncation;
  /** instead of poissonRate: batches of a fixed size drawn without replacement */
  readonly fixedSize?: FixedSize;
  /**
   * balls-and-bins (random allocation): each unit in one of `stepsPerEpoch` batches per epoch; `steps` then
   * counts epochs (one dominating release per epoch, src/pld/randomAllocation.ts)
   */
  readonly randomAllocation?: { readonly stepsPerEpoch: number };
  /** number of steps, a positive integer */
  readonly steps: number;
}

/**
 * Single-epoch tree aggregation (Kairouz et al. 2021, "Practical and Private (Deep) Learning without Sampling or
 * Shuffling", appendix D): a unit sits in one leaf of one tree and changes the ceil(log2(steps + 1)) nodes on its
 * path, each with independent noise, so one epoch is a Gaussian mechanism with sensitivity sqrt(depth); the
 * equivalent Gaussian has noise multiplier sigma / sqrt(depth) of the deepest tree. Other mechanisms unchanged.
 */
export function asEquivalentGaussian(m: Mechanism): Mechanism {
  if (m.kind !== 'tree-aggregation') return m;
  const counts = typeof m.stepCounts === 'number' ? [m.stepCounts] : m.stepCounts;
  const depth = Math.ceil(Math.log2(Math.max(...counts) + 1));
  return {
    kind: 'gaussian',
    noiseMultiplier: m.noiseMultiplier / Math.sqrt(depth),
    ...(m.sensitivity !== undefined ? { sensitivity: m.sensitivity } : {}),
  };
}
