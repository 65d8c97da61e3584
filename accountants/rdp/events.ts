/**
 * Per-step Renyi divergences of the mechanisms beyond the Gaussian family (orders alpha > 1, in nats):
 * - (xi, rho)-zCDP (Bun and Steinke 2016, Definition 1.1): D_alpha <= xi + rho alpha at every order;
 * - the discrete Gaussian of scale sigma on a query of sensitivity t is (t^2 / (2 sigma^2))-zCDP (Canonne,
 *   Kamath, Steinke 2020, Proposition 5);
 * - the exponential mechanism with parameter eps is eps-bounded-range, hence (eps^2 / 8)-zCDP, and Cesar and
 *   Rogers 2021 (arXiv 2004.07223, Section 3) sharpen this to D_alpha <= xi + (eps^2 / 8) alpha with
 *   xi = eps / (e^eps - 1) - 1 - ln(eps / (e^eps - 1)) - eps^2 / 8 (negative); being eps-DP it is also <= eps;
 * - permute-and-flip: the Laplace mechanism's divergence at eps (as dp_accounting, which states that its
 *   privacy loss distribution is the Laplace mechanism's of scale 1/eps).
 */
import { laplaceRenyi } from './divergence.js';

export function zcdpRenyi(o: { readonly rho: number; readonly xi?: number; readonly order: number }): number {
  return (o.xi ?? 0) + o.rho * o.order;
}

export function discreteGaussianRenyi(o: { readonly sigma: number; readonly sensitivity: number; readonly order: number }): number {
  return zcdpRenyi({ rho: (o.sensitivity * o.sensitivity) / (2 * o.sigma * o.sigma), order: o.order });
}

export function exponentialMechanismRenyi(o: { readonly epsilon: number; readonly order: number }): number {
  const eps = o.epsilon;
  if (eps === 0) return 0;
  // eps / (e^eps - 1), computed without overflow for large eps
  const ratio = eps > 700 ? eps * Math.exp(-eps) : eps / Math.expm1(eps);
  const xi = ratio - 1 - Math.log(ratio) - (eps * eps) / 8;
  return Math.max(0, Math.min(xi + ((eps * eps) / 8) * o.order, eps));
}

export function permuteAndFlipRenyi(o: { readonly epsilon: number; readonly order: number }): number {
  return o.epsilon === 0 ? 0 : laplaceRenyi(o);
}
