/**
 * User-level privacy: a user contributes k examples (spec `examplesPerUser`, privacyUnit "user") and the
 * sampler draws examples. What one user changes in one step, as an example-level mechanism:
 * - Poisson sampling of examples at rate q with a Gaussian: J ~ Binomial(k, q) of the user's clipped examples
 *   are in the batch, so the step is the mixture of Gaussians with shifts j s and weights P(J = j)
 *   (arXiv 2401.10294; jax_privacy's user-level DP-SGD accountant, Poisson branch);
 * - the whole dataset each step (no sampler) or deterministic batches (Gaussian only): all k examples can sit in
 *   one release, sensitivity k s (for the Gaussian, k examples spread over several batches of an epoch give
 *   sqrt(sum a_i^2) <= k, so one shift k dominates);
 * - epsilon-DP mechanisms (exponential, permute-and-flip, pure eps-DP steps): group privacy, k eps; zCDP: k^2 rho
 *   (Bun and Steinke 2016, Proposition 1.9).
 * Anything else is refused with the reason. With user-level sampling (whole users drawn) no conversion is
 * needed: give the user count as the dataset size and leave examplesPerUser out.
 */
import type { Mechanism } from './mechanism.js';
import { binomialLogPmf } from './numeric/binomial.js';

export interface UserLevelStage {
  readonly mechanism: Mechanism;
  readonly sampler: string;
  readonly poissonRate?: number;
}

/** Binomial(k, q) point masses P(J = j), j = 0..k. */
export function binomialWeights(k: number, q: number): number[] {
  if (q >= 1) return Array.from({ length: k + 1 }, (_, j) => (j === k ? 1 : 0));
  return Array.from({ length: k + 1 }, (_, j) => Math.exp(binomialLogPmf(j, k, q)));
}

/** The example-level mechanism one step is for a user with k examples, or why there is none. */
export function userLevelMechanism(stage: UserLevelStage, k: number): Mechanism | string {
  const m = stage.mechanism;
  if (k === 1) return m;
  if (stage.sampler === 'poisson') {
    if (m.kind !== 'gaussian')
      return `user-level accounting with Poisson-sampled examples covers gaussian mechanisms only (a mixture of Gaussians), not ${m.kind}`;
    const s = m.sensitivity ?? 1;
    const weights = binomialWeights(k, stage.poissonRate ?? 1);
    const keep = weights.map((p, j) => [j * s, p] as const).filter(([, p]) => p > 0);
    return {
      kind: 'mixture-of-gaussians',
      noiseMultiplier: m.noiseMultiplier,
      sensitivities: keep.map(([c]) => c),
      probabilities: keep.map(([, p]) => p),
    };
  }
  if (stage.sampler === 'deterministic' && m.kind !== 'gaussian')
    return `user-level accounting with deterministic batches covers gaussian mechanisms only, not ${m.kind}`;
  if (stage.sampler !== 'none' && stage.sampler !== 'deterministic')
    return `no user-level analysis of the ${stage.sampler} sampler with ${k} examples per user; use poisson or deterministic, or sample whole users`;
  switch (m.kind) {
    case 'gaussian':
    case 'laplace':
    case 'discrete-laplace':
    case 'discrete-gaussian':
      return { ...m, sensitivity: (m.sensitivity ?? 1) * k };
    case 'exponential':
    case 'permute-and-flip':
      return { ...m, epsilon: m.epsilon * k };
    case 'eps-delta':
      if (m.delta > 0) return 'no sound user-level conversion of an (epsilon, delta) step with delta > 0 is implemented';
      return { ...m, epsilon: m.epsilon * k };
    case 'zcdp':
      if ((m.xi ?? 0) > 0) return 'no user-level conversion of an (xi, rho)-zCDP step with xi > 0';
      return { kind: 'zcdp', rho: m.rho * k * k };
    default:
      return `no user-level conversion of the ${m.kind} mechanism with ${k} examples per user`;
  }
}
