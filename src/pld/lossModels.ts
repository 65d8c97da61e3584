/**
 * Privacy loss models of single steps, one per direction (remove: P = M(D), Q = M(D') with D' = D minus
 * one example; add: the pair the other way round).
 *
 * Additive-noise mechanisms are written in units of the sensitivity: the output is x = noise + shift with
 * shift 1 (the example present) or 0, and the base loss l(x) = ln(f(x - 1) / f(x)) is nondecreasing in x.
 * Poisson subsampling with rate q turns the "present" distribution into the mixture (1 - q) F + q F(. - 1),
 * so the remove loss is phi(l(x)) with phi(g) = ln(1 - q + q e^g), and the add loss is -phi(l(x)) for x
 * drawn from the noise alone (see shared/design/accounting.md section 3).
 */
import { normalCdf, normalPdf, normalSf } from '../numeric/normal.js';
import { logAddExp } from '../numeric/logsumexp.js';
import type { LossAtoms } from './grid.js';

// bound once: global Math lookups are slow in hot loops under some module loaders (jest's vm)
const { abs, exp, expm1, log, log1p, max, min } = Math;

/** P- and Q-probabilities of one side of a loss threshold. */
export interface TailMass {
  readonly p: number;
  readonly q: number;
}

/** A single-step privacy loss with a continuous part, described by its tails. */
export interface ContinuousLossModel {
  readonly type: 'continuous';
  /** P(L >= eps), Q(L >= eps), each accurate when small */
  above(eps: number): TailMass;
  /** P(L < eps), Q(L < eps), each accurate when small */
  below(eps: number): TailMass;
  /** both at once, sharing work; `below` only when asked */
  tails(eps: number, withBelow: boolean): { above: TailMass; below?: TailMass };
  /** essential infimum and supremum of the finite loss (may be infinite) */
  readonly lossInf: number;
  readonly lossSup: number;
  /** P(L = +infinity) */
  readonly infinityMass: number;
  /** mean and variance of the finite loss under P (for planning grids; need not be exact) */
  moments(): { mean: number; variance: number };
  /** a short description for reports */
  readonly label: string;
}

/** A single-step privacy loss that only takes finitely many values. */
export interface DiscreteLossModel {
  readonly type: 'discrete';
  readonly atoms: LossAtoms;
  readonly label: string;
}

export type LossModel = ContinuousLossModel | DiscreteLossModel;

/** Additive noise in units of the sensitivity (shift 1), with a nondecreasing base loss l(x). */
interface BaseNoise {
  cdf(x: number): number;
  sf(x: number): number;
  pdf(x: number): number;
  /** base loss l(x) = ln(f(x - 1) / f(x)) */
  loss(x: number): number;
  /** inf { x : l(x) >= g } */
  xLower(g: number): number;
  /** sup { x : l(x) <= g } */
  xUpper(g: number): number;
  /** points between which the density is smooth, and a scale for quadrature */
  readonly breakpoints: readonly number[];
  readonly scale: number;
  readonly lossInf: number;
  readonly lossSup: number;
}

/** Gaussian noise of standard deviation sigma (in sensitivity units). */
function gaussianNoise(sigma: number): BaseNoise {
  const s2 = sigma * sigma;
  const x = (g: number) => s2 * g + 0.5;
  return {
    cdf: (t) => normalCdf(t / sigma),
    sf: (t) => normalSf(t / sigma),
    pdf: (t) => normalPdf(t / sigma) / sigma,
    loss: (t) => (2 * t - 1) / (2 * s2),
    xLower: x,
    xUpper: x,
    breakpoints: [0, 1],
    scale: sigma,
    lossInf: -Infinity,
    lossSup: Infinity,
  };
}

/** Laplace noise of scale b (in sensitivity units): l(x) = (|x| - |x - 1|) / b, in [-1/b, 1/b]. */
function laplaceNoise(b: number): BaseNoise {
  const cdf = (t: number) => (t < 0 ? 0.5 * exp(t / b) : 1 - 0.5 * exp(-t / b));
  const sf = (t: number) => (t > 0 ? 0.5 * exp(-t / b) : 1 - 0.5 * exp(t / b));
  const top = 1 / b;
  return {
    cdf,
    sf,
    pdf: (t) => exp(-abs(t) / b) / (2 * b),
    loss: (t) => (abs(t) - abs(t - 1)) / b,
    xLower: (g) => (g <= -top ? -Infinity : g > top ? Infinity : (g * b + 1) / 2),
    xUpper: (g) => (g < -top ? -Infinity : g >= top ? Infinity : (g * b + 1) / 2),
    breakpoints: [0, 1],
    scale: b,
    lossInf: -top,
    lossSup: top,
  };
}

/** phi(g) = ln(1 - q + q e^g): the loss of the q-mixture given the base loss g. */
function mixLoss(q: number, g: number): number {
  return q === 1 ? g : logAddExp(log1p(-q), log(q) + g);
}

/** phi^{-1}(eps) = ln((e^eps - 1 + q) / q); -Infinity at or below ln(1 - q). */
function mixLossInverse(q: number, eps: number): number {
  if (q === 1) return eps;
  if (eps <= log1p(-q)) return -Infinity;
  // e^eps - 1 + q without overflow for large eps
  if (eps > 1) return eps + log1p((q - 1) * exp(-eps)) - log(q);
  return log(expm1(eps) + q) - log(q);
}

/** A model's three tail functions from the one that computes both sides at once. */
function fromTails(tails: ContinuousLossModel['tails']): Pick<ContinuousLossModel, 'tails' | 'above' | 'below'> {
  return { tails, above: (eps) => tails(eps, false).above, below: (eps) => tails(eps, true).below! };
}

/** The remove-direction loss of (possibly Poisson-subsampled) additive noise. */
function subsampledRemove(noise: BaseNoise, q: number, label: string): ContinuousLossModel {
  return {
    type: 'continuous',
    label,
    ...fromTails((eps, withBelow) => {
      const x = noise.xLower(mixLossInverse(q, eps));
      const sf0 = noise.sf(x);
      const above = { p: q === 1 ? noise.sf(x - 1) : (1 - q) * sf0 + q * noise.sf(x - 1), q: sf0 };
      if (!withBelow) return { above };
      const cdf0 = noise.cdf(x);
      return { above, below: { p: q === 1 ? noise.cdf(x - 1) : (1 - q) * cdf0 + q * noise.cdf(x - 1), q: cdf0 } };
    }),
    lossInf: max(mixLoss(q, noise.lossInf), q === 1 ? -Infinity : log1p(-q)),
    lossSup: mixLoss(q, noise.lossSup),
    infinityMass: 0,
    moments: once(() =>
      momentsByQuadrature(
        noise,
        (x) => mixLoss(q, noise.loss(x)),
        (x) => (q === 1 ? noise.pdf(x - 1) : (1 - q) * noise.pdf(x) + q * noise.pdf(x - 1)),
      ),
    ),
  };
}

/** The add-direction loss: x from the noise alone, L = -phi(l(x)), nonincreasing in x. */
function subsampledAdd(noise: BaseNoise, q: number, label: string): ContinuousLossModel {
  // L >= eps  <=>  l(x) <= phi^{-1}(-eps)  <=>  x <= xUpper(phi^{-1}(-eps))
  const xAt = (eps: number) => noise.xUpper(mixLossInverse(q, -eps));
  return {
    type: 'continuous',
    label,
    ...fromTails((eps, withBelow) => {
      const x = xAt(eps);
      const cdf0 = noise.cdf(x);
      const above = { p: cdf0, q: q === 1 ? noise.cdf(x - 1) : (1 - q) * cdf0 + q * noise.cdf(x - 1) };
      if (!withBelow) return { above };
      const sf0 = noise.sf(x);
      return { above, below: { p: sf0, q: q === 1 ? noise.sf(x - 1) : (1 - q) * sf0 + q * noise.sf(x - 1) } };
    }),
    lossInf: -mixLoss(q, noise.lossSup),
    lossSup: min(-mixLoss(q, noise.lossInf), q === 1 ? Infinity : -log1p(-q)),
    infinityMass: 0,
    moments: once(() => momentsByQuadrature(noise, (x) => -mixLoss(q, noise.loss(x)), noise.pdf)),
  };
}

/** f computed on the first call only. */
function once<T>(f: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= f());
}

/**
 * Mean and variance of loss(X) for X with density `density`, by composite Simpson quadrature over
 * [-40 scale, 1 + 40 scale] split at the breakpoints. Used only to plan grids, never in a bound.
 */
function momentsByQuadrature(
  noise: BaseNoise,
  loss: (x: number) => number,
  density: (x: number) => number,
): { mean: number; variance: number } {
  const reach = 40 * noise.scale;
  const cuts = [-reach, ...noise.breakpoints, 1 + reach].sort((a, b) => a - b);
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  const panels = 2000;
  for (let c = 0; c + 1 < cuts.length; c++) {
    const a = cuts[c];
    const w = (cuts[c + 1] - a) / panels;
    if (!(w > 0)) continue;
    for (let i = 0; i <= panels; i++) {
      const x = a + i * w;
      const weight = ((i === 0 || i === panels ? 1 : i % 2 === 1 ? 4 : 2) * w) / 3;
      const d = density(x) * weight;
      if (d === 0) continue;
      const l = loss(x);
      m0 += d;
      m1 += d * l;
      m2 += d * l * l;
    }
  }
  const mean = m1 / m0;
  return { mean, variance: max(0, m2 / m0 - mean * mean) };
}

/** Gaussian noise of std sigma (sensitivity units), optionally Poisson-subsampled with rate q. */
export function gaussianLoss(sigma: number, q: number, direction: 'remove' | 'add'): ContinuousLossModel {
  const noise = gaussianNoise(sigma);
  const label = q === 1 ? `Gaussian(sigma=${sigma})` : `Poisson(q=${q}) Gaussian(sigma=${sigma})`;
  return direction === 'remove' ? subsampledRemove(noise, q, label) : subsampledAdd(noise, q, label);
}

/** Laplace noise of scale b (sensitivity units), optionally Poisson-subsampled with rate q. */
export function laplaceLoss(b: number, q: number, direction: 'remove' | 'add'): ContinuousLossModel {
  const noise = laplaceNoise(b);
  const label = q === 1 ? `Laplace(b=${b})` : `Poisson(q=${q}) Laplace(b=${b})`;
  return direction === 'remove' ? subsampledRemove(noise, q, label) : subsampledAdd(noise, q, label);
}

/**
 * k-ary randomized response: report the truth with probability 1 - p, otherwise a uniform category (noise
 * parameter p), or, given the pure-DP level eps, truth with probability e^eps / (e^eps + k - 1). Neighbours
 * differ in one respondent's value: losses +-ln((1 - p + p/k)/(p/k)) = +-eps and 0. Symmetric, so both
 * directions are the same. With eps given, the masses are computed from e^-eps (no overflow for large eps).
 */
export function randomizedResponseLoss(o: {
  readonly categories: number;
  readonly noiseParameter?: number;
  readonly epsilon?: number;
}): DiscreteLossModel {
  const k = o.categories;
  let truth: number;
  let other: number;
  let l: number;
  if (o.epsilon !== undefined) {
    const shrink = exp(-o.epsilon);
    truth = 1 / (1 + (k - 1) * shrink);
    other = shrink / (1 + (k - 1) * shrink);
    l = o.epsilon;
  } else {
    const p = o.noiseParameter ?? 1;
    truth = 1 - p + p / k;
    other = p / k;
    l = log(truth / other);
  }
  const label = `RandomizedResponse(${o.epsilon !== undefined ? `eps=${o.epsilon}` : `p=${o.noiseParameter}`}, k=${k})`;
  // p = 0 reveals the answer: infinite loss (with eps given, an underflowing e^-eps only empties the atoms at -eps and 0)
  if (!Number.isFinite(l)) return { type: 'discrete', label, atoms: { losses: [], masses: [], infinityMass: 1 } };
  return {
    type: 'discrete',
    label,
    atoms: { losses: [l, -l, 0], masses: [truth, other, (k - 2) * other], infinityMass: 0 },
  };
}

/**
 * The dominating pair of any (eps, delta)-DP step (Kairouz et al. 2015): loss +infinity with probability
 * delta, otherwise +-eps with probabilities e^eps/(1+e^eps) and 1/(1+e^eps) (times 1 - delta).
 */
export function epsDeltaLoss(epsilon: number, delta: number): DiscreteLossModel {
  const label = `(${epsilon}, ${delta})-DP step`;
  const up = 1 / (1 + exp(-epsilon));
  const down = 1 / (1 + exp(epsilon));
  if (epsilon === 0) return { type: 'discrete', label, atoms: { losses: [0], masses: [1 - delta], infinityMass: delta } };
  return {
    type: 'discrete',
    label,
    atoms: { losses: [epsilon, -epsilon], masses: [(1 - delta) * up, (1 - delta) * down], infinityMass: delta },
  };
}

/** Mean and variance of a discrete model's finite loss under P. */
export function atomMoments(atoms: LossAtoms): { mean: number; variance: number } {
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i < atoms.losses.length; i++) {
    const m = atoms.masses[i];
    const l = atoms.losses[i];
    m0 += m;
    m1 += m * l;
    m2 += m * l * l;
  }
  if (m0 === 0) return { mean: 0, variance: 0 };
  const mean = m1 / m0;
  return { mean, variance: max(0, m2 / m0 - mean * mean) };
}
