/**
 * Single-step privacy loss models of the mechanisms beyond the Gaussian and Laplace families of
 * lossModels.ts: discrete Laplace and discrete Gaussian (lattice, exact atoms), the mixture of Gaussians
 * (user-level DP-SGD), the exponential mechanism and permute-and-flip, and a weighted mixture of two pairs
 * (truncated Poisson sampling). Each returns the same ContinuousLossModel / DiscreteLossModel the grid code
 * discretizes, so nothing below this module changes.
 *
 * Directions as in lossModels.ts: `remove` has P = M(D) with the unit present, Q = M(D') without it; `add`
 * the other way round. Losses are ln(P/Q) with the outcome drawn from P.
 */
import { normalCdf, normalPdf, normalSf } from '../numeric/normal.js';
import { laplaceLoss, epsDeltaLoss, type ContinuousLossModel, type DiscreteLossModel, type TailMass } from './lossModels.js';

// bound once: global Math lookups are slow in hot loops under some module loaders (jest's vm)
const { abs, ceil, exp, log, max, min, sqrt } = Math;

type Direction = 'remove' | 'add';

/** Most lattice points a discrete model may hold before we refuse (memory and time stay bounded). */
const MAX_LATTICE_ATOMS = 20_000_000;

/**
 * Discrete Laplace noise, P(x) proportional to e^(-a |x|) on the integers (dp_accounting's parameter a), on an
 * integer query of sensitivity t. With P centred at 0 and Q at t the loss is a(|x - t| - |x|): a t for x <= 0,
 * a (t - 2x) for 0 < x < t, -a t for x >= t, with P-masses 1/(1 + e^-a), c e^(-a x) (c = tanh(a/2)) and
 * e^(-a t)/(1 + e^-a). The noise is symmetric, so both directions have this law.
 */
export function discreteLaplaceLoss(a: number, t: number): DiscreteLossModel {
  const label = `DiscreteLaplace(a=${a}, sensitivity=${t})`;
  const ea = exp(-a);
  const c = (1 - ea) / (1 + ea);
  const losses: number[] = [a * t];
  const masses: number[] = [1 / (1 + ea)];
  for (let x = 1; x < t; x++) {
    losses.push(a * (t - 2 * x));
    masses.push(c * exp(-a * x));
  }
  losses.push(-a * t);
  masses.push(exp(-a * t) / (1 + ea));
  return { type: 'discrete', label, atoms: { losses, masses, infinityMass: 0 } };
}

/**
 * Discrete Gaussian noise, P(x) proportional to e^(-x^2 / (2 sigma^2)) on the integers (Canonne, Kamath,
 * Steinke 2020), on an integer query of sensitivity t: loss (t^2 - 2 x t) / (2 sigma^2) with P centred at 0.
 * The lattice is cut where the P-mass beyond it is below `tail`; a bound on the cut mass is booked at
 * +infinity (against the user), and the normalizing constant is the sum of the kept points (so every kept
 * mass is at least its true value). Symmetric: both directions have this law.
 */
export function discreteGaussianLoss(sigma: number, t: number, tail = 1e-20): DiscreteLossModel {
  const label = `DiscreteGaussian(sigma=${sigma}, sensitivity=${t})`;
  const s2 = sigma * sigma;
  // sum_{x > T} e^(-x^2/2s^2) <= e^(-(T+1)^2/2s^2) / (1 - e^(-(T+1)/s^2)); pick T with that (times 2) below tail
  let reach = ceil(sigma * sqrt(2 * log(1 / tail)) + 1);
  const tailBound = (T: number) => (2 * exp(-((T + 1) * (T + 1)) / (2 * s2))) / -Math.expm1(-(T + 1) / s2);
  while (tailBound(reach) > tail) reach = ceil(reach * 1.1 + 1);
  if (2 * reach + 1 > MAX_LATTICE_ATOMS)
    throw new RangeError(`the discrete Gaussian with sigma = ${sigma} has too many lattice points; use the gaussian mechanism`);
  const n = 2 * reach + 1;
  const losses = new Float64Array(n);
  const masses = new Float64Array(n);
  let z = 0;
  for (let i = 0; i < n; i++) {
    const x = i - reach;
    masses[i] = exp(-(x * x) / (2 * s2));
    z += masses[i];
    losses[i] = (t * t - 2 * x * t) / (2 * s2);
  }
  for (let i = 0; i < n; i++) masses[i] /= z;
  // the cut tails, relative to the kept sum (itself >= the central mass, so this bounds the true tail mass)
  const cut = min(1, tailBound(reach) / z);
  return { type: 'discrete', label, atoms: { losses, masses, infinityMass: cut } };
}

/**
 * The exponential mechanism with privacy parameter epsilon (as dp_accounting's ExponentialMechanismDpEvent):
 * its PLD is dominated by that of any eps-DP mechanism, the pair of Kairouz et al. 2015 (losses +-eps). A
 * certified, if loose, upper bound; the RDP accountant's bounded-range bound is often smaller.
 */
export function exponentialMechanismLoss(epsilon: number): DiscreteLossModel {
  const m = epsDeltaLoss(epsilon, 0);
  return { ...m, label: `ExponentialMechanism(eps=${epsilon})` };
}

/**
 * Permute-and-flip (McKenna and Sheldon 2020) with privacy parameter epsilon: accounted as the Laplace
 * mechanism of scale 1/epsilon, as dp_accounting does (its PermuteAndFlipDpEvent: "the same privacy loss
 * distribution as the Laplace mechanism with parameter 1/epsilon"). Symmetric.
 */
export function permuteAndFlipLoss(epsilon: number): ContinuousLossModel {
  const m = laplaceLoss(1 / epsilon, 1, 'remove');
  return { ...m, label: `PermuteAndFlip(eps=${epsilon})` };
}

/**
 * The mixture of Gaussians (dp_accounting's MixtureOfGaussiansDpEvent; user-level DP-SGD, arXiv 2401.10294):
 * without the unit the output is N(0, sigma^2), with it sum_i p_i N(c_i, sigma^2), all c_i >= 0. The base
 * loss l(x) = ln sum_i p_i e^((2 x c_i - c_i^2) / (2 sigma^2)) is a log-sum-exp of affine functions, so it is
 * convex and nondecreasing in x; each tail is one crossing point x*, solved by safeguarded Newton.
 *   remove: x ~ mixture, L = l(x);   add: x ~ N(0, sigma^2), L = -l(x).
 * Poisson subsampling of a Gaussian is the case c = (0, 1), p = (1 - q, q).
 */
export function mixtureOfGaussiansLoss(
  sigma: number,
  sensitivities: readonly number[],
  probabilities: readonly number[],
  direction: Direction,
): ContinuousLossModel {
  // merge equal shifts, drop empty components, normalise the weights
  const byShift = new Map<number, number>();
  sensitivities.forEach((c, i) => {
    if (probabilities[i] > 0) byShift.set(c, (byShift.get(c) ?? 0) + probabilities[i]);
  });
  const total = [...byShift.values()].reduce((s, p) => s + p, 0);
  const shifts = [...byShift.keys()].sort((a, b) => a - b);
  const weights = shifts.map((c) => byShift.get(c)! / total);
  const logWeights = weights.map(log);
  const s2 = sigma * sigma;
  const label = `MixtureOfGaussians(sigma=${sigma}, sensitivities=[${sensitivities.join(', ')}], probabilities=[${probabilities.join(', ')}])`;
  const top = shifts[shifts.length - 1];
  const zeroWeight = shifts[0] === 0 ? weights[0] : 0;
  // l(-infinity): ln of the weight at shift 0 (-infinity without one)
  const baseInf = zeroWeight > 0 ? log(zeroWeight) : -Infinity;
  const baseSup = top > 0 ? Infinity : 0;

  /** l(x) and l'(x) */
  const base = (x: number): { l: number; d: number } => {
    let m = -Infinity;
    const e = new Array<number>(shifts.length);
    for (let i = 0; i < shifts.length; i++) {
      e[i] = logWeights[i] + (shifts[i] * (2 * x - shifts[i])) / (2 * s2);
      if (e[i] > m) m = e[i];
    }
    let sum = 0;
    let slope = 0;
    for (let i = 0; i < shifts.length; i++) {
      const w = exp(e[i] - m);
      sum += w;
      slope += w * shifts[i];
    }
    return { l: m + log(sum), d: slope / (sum * s2) };
  };

  const solve = increasingSolver(
    (x) => base(x).l,
    (x) => base(x).d,
    max(1, sigma),
  );
  /** the x with l(x) = g, for g in (baseInf, baseSup); +-Infinity outside */
  const crossing = (g: number): number => (g <= baseInf ? -Infinity : g >= baseSup ? Infinity : solve(g));

  const mixSf = (x: number) => weights.reduce((s, p, i) => s + p * normalSf((x - shifts[i]) / sigma), 0);
  const mixCdf = (x: number) => weights.reduce((s, p, i) => s + p * normalCdf((x - shifts[i]) / sigma), 0);
  const sf0 = (x: number) => normalSf(x / sigma);
  const cdf0 = (x: number) => normalCdf(x / sigma);

  let tails: ContinuousLossModel['tails'];
  if (direction === 'remove') {
    tails = (eps, withBelow) => {
      const x = crossing(eps);
      const above: TailMass = { p: mixSf(x), q: sf0(x) };
      return withBelow ? { above, below: { p: mixCdf(x), q: cdf0(x) } } : { above };
    };
  } else {
    // L >= eps  <=>  l(x) <= -eps  <=>  x <= crossing(-eps)
    tails = (eps, withBelow) => {
      const x = crossing(-eps);
      const above: TailMass = { p: cdf0(x), q: mixCdf(x) };
      return withBelow ? { above, below: { p: sf0(x), q: mixSf(x) } } : { above };
    };
  }
  const density =
    direction === 'remove'
      ? (x: number) => weights.reduce((s, p, i) => s + (p * normalPdf((x - shifts[i]) / sigma)) / sigma, 0)
      : (x: number) => normalPdf(x / sigma) / sigma;
  const sign = direction === 'remove' ? 1 : -1;
  let moments: { mean: number; variance: number } | undefined;
  return {
    type: 'continuous',
    label,
    tails,
    above: (eps) => tails(eps, false).above,
    below: (eps) => tails(eps, true).below!,
    lossInf: direction === 'remove' ? baseInf : -baseSup,
    lossSup: direction === 'remove' ? baseSup : -baseInf,
    infinityMass: 0,
    moments: () => (moments ??= quadratureMoments((x) => sign * base(x).l, density, -40 * sigma, top + 40 * sigma)),
  };
}

/**
 * Mean and variance of loss(X), X with density `density` on [a, b], by composite Simpson quadrature. Used
 * only to plan grids, never in a bound.
 */
function quadratureMoments(loss: (x: number) => number, density: (x: number) => number, a: number, b: number) {
  const panels = 4000;
  const w = (b - a) / panels;
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i <= panels; i++) {
    const x = a + i * w;
    const d = density(x) * (((i === 0 || i === panels ? 1 : i % 2 === 1 ? 4 : 2) * w) / 3);
    if (!(d > 0)) continue;
    const l = loss(x);
    m0 += d;
    m1 += d * l;
    m2 += d * l * l;
  }
  const mean = m1 / m0;
  return { mean, variance: max(0, m2 / m0 - mean * mean) };
}

/**
 * The weighted mixture of two pairs, (1 - w) (P1, Q1) + w (P2, Q2), when which pair applies is decided by an
 * event independent of the unit (revealing it is post-processing in reverse, so this PLD dominates the
 * mechanism's: its law is (1 - w) PLD1 + w PLD2). Used by truncated Poisson sampling.
 */
export function mixedPairLoss(first: ContinuousLossModel, second: ContinuousLossModel, w: number, label: string): ContinuousLossModel {
  const mix = (a: TailMass, b: TailMass): TailMass => ({ p: (1 - w) * a.p + w * b.p, q: (1 - w) * a.q + w * b.q });
  const tails: ContinuousLossModel['tails'] = (eps, withBelow) => {
    const a = first.tails(eps, withBelow);
    const b = second.tails(eps, withBelow);
    const above = mix(a.above, b.above);
    return withBelow ? { above, below: mix(a.below!, b.below!) } : { above };
  };
  let moments: { mean: number; variance: number } | undefined;
  return {
    type: 'continuous',
    label,
    tails,
    above: (eps) => tails(eps, false).above,
    below: (eps) => tails(eps, true).below!,
    lossInf: min(first.lossInf, second.lossInf),
    lossSup: max(first.lossSup, second.lossSup),
    infinityMass: (1 - w) * first.infinityMass + w * second.infinityMass,
    moments: () => {
      if (moments) return moments;
      const a = first.moments();
      const b = second.moments();
      const mean = (1 - w) * a.mean + w * b.mean;
      const second2 = (1 - w) * (a.variance + a.mean * a.mean) + w * (b.variance + b.mean * b.mean);
      return (moments = { mean, variance: max(0, second2 - mean * mean) });
    },
  };
}

/**
 * A solver of f(x) = g for a continuous nondecreasing f with derivative df: Newton steps kept inside the
 * bracket found so far (bisection when a step leaves it, doubling steps while one side is open), warm-started
 * at the previous answer because the grid asks for neighbouring g in order.
 */
function increasingSolver(f: (x: number) => number, df: (x: number) => number, scale: number): (g: number) => number {
  let last = 0;
  return (g) => {
    let lo = -Infinity;
    let hi = Infinity;
    let x = last;
    let step = scale;
    for (let it = 0; it < 300; it++) {
      const v = f(x);
      if (v === g) break;
      if (v > g) hi = x;
      else lo = x;
      const d = df(x);
      let next = d > 0 ? x - (v - g) / d : NaN;
      if (!(next > lo && next < hi)) {
        if (Number.isFinite(lo) && Number.isFinite(hi)) next = 0.5 * (lo + hi);
        else {
          next = v > g ? x - step : x + step;
          step *= 2;
        }
      }
      const tol = 1e-15 * max(1, abs(x));
      if (abs(next - x) <= tol || hi - lo <= tol) {
        x = next;
        break;
      }
      x = next;
    }
    last = x;
    return x;
  };
}
