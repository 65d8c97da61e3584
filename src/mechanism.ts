/**
 * The vocabulary shared by every accountant: what one step releases (a mechanism), how its input is
 * sampled, how many times it runs, and which datasets count as neighbours.
 */

/** One noisy release, sensitivity 1 unless said. */
export type Mechanism =
  /**
   * a sum of clipped gradients plus N(0, (noiseMultiplier * clip norm)^2) noise; `sensitivity` is the L2
   * sensitivity in units of the clip norm (default 1: one example's clipped gradient), so what counts is
   * sensitivity / noiseMultiplier
   */
  | { readonly kind: 'gaussian'; readonly noiseMultiplier: number; readonly sensitivity?: number }
  /** Laplace noise of scale `scale` on a query of L1 sensitivity `sensitivity` */
  | { readonly kind: 'laplace'; readonly scale: number; readonly sensitivity?: number }
  /**
   * k-ary randomized response: with probability 1 - noiseParameter report the true category, otherwise
   * a uniformly random one of the `categories` (dp_accounting's parametrization). Alternatively give
   * `epsilon`, the pure-DP level, and noiseParameter follows: k / (e^eps + k - 1).
   */
  | {
      readonly kind: 'randomized-response';
      readonly categories: number;
      readonly noiseParameter?: number;
      readonly epsilon?: number;
    }
  /** any (epsilon, delta)-DP step, accounted through its dominating pair */
  | { readonly kind: 'eps-delta'; readonly epsilon: number; readonly delta: number };

/**
 * Neighbouring datasets:
 * - `add-remove`: one example added or removed (the DP-SGD default);
 * - `zero-out`: one example replaced by a zero gradient (dataset size public); same pairs as add-remove here;
 * - `replace-one`: one example replaced by another (doubles the sensitivity of an unsampled mechanism).
 */
export type Adjacency = 'add-remove' | 'zero-out' | 'replace-one';

/** A mechanism run `steps` times, optionally on a Poisson subsample of rate `poissonRate`. */
export interface Stage {
  readonly mechanism: Mechanism;
  /** Poisson subsampling rate q in (0, 1]; omitted = the whole dataset every step */
  readonly poissonRate?: number;
  /** number of steps, a positive integer */
  readonly steps: number;
}
