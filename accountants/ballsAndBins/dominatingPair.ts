/**
 * The balls-and-bins dominating pair (BNB; shared/design/accounting.md section 4), for one epoch of T steps with
 * noise sigma:
 *
 *   P = (1/T) sum_t N(e_t, sigma^2 I_T)    versus    Q = N(0, sigma^2 I_T),
 *   L(x) = ln(P(x)/Q(x)) = ln sum_t exp(x_t / sigma^2) - ln T - 1/(2 sigma^2).
 *
 * "remove" is the pair (P, Q) with loss L under P; "add" is (Q, P) with loss -L under Q. Over E epochs the losses of
 * independent epochs add. delta(eps) = E[(1 - e^(eps - loss))_+] (the hockey-stick divergence).
 *
 * By the symmetry of the mixture components, the remove expectation under P equals the one under its first
 * component N(e_1, sigma^2 I), so samplers draw x = e_1 + z with z ~ N(0, sigma^2 I).
 *
 * Importance regions (BNB, single epoch; the loss can exceed eps only inside them, so delta = mass x conditional
 * expectation, and the region mass alone is a certified upper bound on that direction's delta):
 * - remove: E = {max_t z_t >= C}, C = 1/2 + sigma^2 (eps - ln(1 + (e^(1/sigma^2) - 1)/T)). Outside E,
 *   sum_t e^(x_t/sigma^2) < e^(C/sigma^2) (e^(1/sigma^2) + T - 1), which makes L < eps.
 * - add: E = {max_t x_t <= C}, C = 1/2 + sigma^2 (ln T - eps). Outside E, -L < ln T + 1/(2 sigma^2) - C/sigma^2 = eps.
 * Everything below works in standardized units c = C / sigma.
 */
import { normalLogCdf, normalSf } from '../../src/numeric/normal.js';
import { logAddExp } from '../../src/numeric/logsumexp.js';

/** ln(1 + (e^a - 1)/T) without overflow of e^a (a = 1/sigma^2 can exceed 709). */
function logMeanShift(a: number, steps: number): number {
  if (steps === 1) return a;
  return logAddExp(a, Math.log(steps - 1)) - Math.log(steps);
}

/** Standardized remove threshold c = C/sigma for one epoch (see the module comment). */
export function removeThreshold(o: { readonly noiseMultiplier: number; readonly steps: number; readonly epsilon: number }): number {
  const s = o.noiseMultiplier;
  const v = s * s;
  return (0.5 + v * (o.epsilon - logMeanShift(1 / v, o.steps))) / s;
}

/** Standardized add threshold c = C/sigma for one epoch. */
export function addThreshold(o: { readonly noiseMultiplier: number; readonly steps: number; readonly epsilon: number }): number {
  const s = o.noiseMultiplier;
  return (0.5 + s * s * (Math.log(o.steps) - o.epsilon)) / s;
}

/** P(max of T standard normals >= c) = 1 - (1 - Phibar(c))^T, accurate for tiny and near-one values. */
export function maxAtLeastProbability(c: number, steps: number): number {
  const tail = normalSf(c);
  if (tail >= 1) return 1;
  return -Math.expm1(steps * Math.log1p(-tail));
}

/** P(max of T standard normals <= c) = Phi(c)^T. */
export function maxAtMostProbability(c: number, steps: number): number {
  return Math.exp(steps * normalLogCdf(c));
}

/** Remove-direction importance region mass for eps (a certified upper bound on the remove delta at eps). */
export function removeRegionMass(o: { readonly noiseMultiplier: number; readonly steps: number; readonly epsilon: number }): number {
  return maxAtLeastProbability(removeThreshold(o), o.steps);
}

/** Add-direction importance region mass for eps (a certified upper bound on the add delta at eps). */
export function addRegionMass(o: { readonly noiseMultiplier: number; readonly steps: number; readonly epsilon: number }): number {
  return maxAtMostProbability(addThreshold(o), o.steps);
}

/** The constant ln T + 1/(2 sigma^2) subtracted from ln sum_t e^(x_t/sigma^2) in the loss. */
export function lossOffset(noiseMultiplier: number, steps: number): number {
  return Math.log(steps) + 0.5 / (noiseMultiplier * noiseMultiplier);
}

/** Hockey-stick term (1 - e^(eps - loss))_+ computed without cancellation. */
export function hockeyStickTerm(epsilon: number, loss: number): number {
  return loss > epsilon ? -Math.expm1(epsilon - loss) : 0;
}
