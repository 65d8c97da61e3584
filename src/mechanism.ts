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
export const SAMPLER_KINDS = ['poisson', 'deterministic', 'shuffle', 'persistent-shuffle', 'balls-and-bins'] as const;
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

/** One noisy release, sensitivity 1 unless said: the zod schema is the single source of the type. */
export const mechanismSchema = z.discriminatedUnion('kind', [gaussian, laplace, randomizedResponse, epsDelta]);

/**
 * - gaussian: a sum of clipped gradients plus N(0, (noiseMultiplier * clip norm)^2) noise; `sensitivity` is the
 *   L2 sensitivity in units of the clip norm (default 1), so what counts is sensitivity / noiseMultiplier;
 * - laplace: noise of scale `scale` on a query of L1 sensitivity `sensitivity`;
 * - randomized-response: k-ary, with probability 1 - noiseParameter the true category, otherwise a uniformly
 *   random one of the `categories` (dp_accounting's parametrization); or `epsilon`, the pure-DP level, from
 *   which noiseParameter = k / (e^eps + k - 1);
 * - eps-delta: any (epsilon, delta)-DP step, accounted through its dominating pair.
 */
export type Mechanism = Readonly<z.infer<typeof mechanismSchema>> | LibraryMechanism;

/**
 * Mechanisms the library accounts that specs do not offer yet (no schema entry, so no spec can name them);
 * adding one to mechanismSchema moves it out of this list.
 */
export type LibraryMechanism =
  /** discrete Laplace noise P(x) ~ e^(-parameter |x|) on an integer query of (integer) sensitivity, default 1 */
  | { readonly kind: 'discrete-laplace'; readonly parameter: number; readonly sensitivity?: number }
  /** discrete Gaussian noise of scale sigma on an integer query of (integer) sensitivity, default 1 */
  | { readonly kind: 'discrete-gaussian'; readonly sigma: number; readonly sensitivity?: number }
  /**
   * without the unit N(0, (noiseMultiplier)^2), with it the mixture sum_i probabilities[i] N(sensitivities[i], .)
   * (sensitivities in clip norms, >= 0; probabilities sum to 1): e.g. user-level DP-SGD
   */
  | {
      readonly kind: 'mixture-of-gaussians';
      readonly noiseMultiplier: number;
      readonly sensitivities: readonly number[];
      readonly probabilities: readonly number[];
    }
  /** the exponential mechanism, epsilon-DP */
  | { readonly kind: 'exponential'; readonly epsilon: number }
  /** permute-and-flip (McKenna and Sheldon 2020), epsilon-DP */
  | { readonly kind: 'permute-and-flip'; readonly epsilon: number }
  /** any (xi, rho)-zCDP step (Bun and Steinke 2016): Renyi divergence xi + rho * alpha at every order alpha; xi default 0 */
  | { readonly kind: 'zcdp'; readonly rho: number; readonly xi?: number };

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
  /** number of steps, a positive integer */
  readonly steps: number;
}
