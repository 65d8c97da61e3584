/**
 * Single-step loss models for the PLD accountant of the mechanisms and samplers beyond the Poisson-subsampled
 * Gaussian and Laplace (src/pld/eventLosses.ts holds the math): discrete Laplace and Gaussian, the mixture of
 * Gaussians, the exponential mechanism, permute-and-flip, truncated Poisson and fixed-size batches.
 * Returns undefined for what accountants/pld.ts handles itself.
 */
import type { Adjacency, Stage } from '../src/mechanism.js';
import { InputError } from '../src/errors.js';
import { gaussianLoss, type LossModel } from '../src/pld/lossModels.js';
import {
  discreteGaussianLoss,
  discreteLaplaceLoss,
  exponentialMechanismLoss,
  mixedPairLoss,
  mixtureOfGaussiansLoss,
  permuteAndFlipLoss,
} from '../src/pld/eventLosses.js';
import { truncationWeights } from './truncatedPoisson.js';
import { randomAllocationLoss } from '../src/pld/randomAllocation.js';

type Direction = 'remove' | 'add';

/** Does the stage have the same PLD in both directions (so one composition serves both)? */
export function symmetricStage(stage: Stage): boolean {
  if (stage.truncation !== undefined || stage.randomAllocation !== undefined || stage.fixedSize !== undefined) return false;
  if ((stage.poissonRate ?? 1) < 1) return false;
  return stage.mechanism.kind !== 'mixture-of-gaussians';
}

function refuse(field: string, expected: string, got?: unknown): never {
  throw new InputError(field, expected, got);
}

export function samplerLossModel(stage: Stage, adjacency: Adjacency, direction: Direction): LossModel | undefined {
  const m = stage.mechanism;
  const replace = adjacency === 'replace-one';
  if (stage.randomAllocation !== undefined) {
    if (m.kind !== 'gaussian') refuse('sampler', 'a gaussian mechanism with the balls-and-bins sampler', m.kind);
    if (replace) refuse('adjacency', "'add-remove' or 'zero-out' with the balls-and-bins sampler", adjacency);
    return randomAllocationLoss(m.noiseMultiplier / (m.sensitivity ?? 1), stage.randomAllocation.stepsPerEpoch, stage.steps, direction);
  }
  const sampled = (stage.poissonRate ?? 1) < 1 || stage.truncation !== undefined || stage.fixedSize !== undefined;
  if (stage.truncation !== undefined || stage.fixedSize !== undefined) {
    if (m.kind !== 'gaussian')
      refuse('sampler', `a gaussian mechanism with the ${stage.truncation ? 'truncated-poisson' : 'fixed-size'} sampler`, m.kind);
    const sigma = m.noiseMultiplier / (m.sensitivity ?? 1);
    if (stage.truncation !== undefined) {
      if (replace) refuse('adjacency', "'add-remove' or 'zero-out' with the truncated-poisson sampler", adjacency);
      const q = stage.poissonRate!;
      const { overflow, conditionalRate } = truncationWeights(q, stage.truncation.datasetSize, stage.truncation.maxBatchSize);
      const plain = gaussianLoss(sigma, q, direction);
      if (overflow === 0) return plain;
      // when the batch overflows, the unit displaces another: a shift of up to 2 clip norms (sigma / 2 per unit shift)
      const cut = gaussianLoss(sigma / 2, conditionalRate, direction);
      return mixedPairLoss(
        plain,
        cut,
        overflow,
        `truncated Poisson(q=${q}, max=${stage.truncation.maxBatchSize}) Gaussian(sigma=${sigma})`,
      );
    }
    const f = stage.fixedSize!;
    const gamma = f.batchSize / f.datasetSize;
    // Zhu, Dong, Wang 2022, Theorem 11: sampling a fraction gamma without replacement under substitution is
    // dominated by (gamma P + (1 - gamma) Q, Q) (and the reverse), (P, Q) the base mechanism's substitution pair.
    // The batch's other members move both outputs alike only when they are the same units, so no pair centred
    // between the two values is valid: replace-one is N(2) against N(0) (the unit's clipped gradient against
    // another's, 2 clip norms apart), zero-out N(1) against N(0) (the Poisson pair at rate gamma).
    if (adjacency === 'replace-one') return gaussianLoss(sigma / 2, gamma, direction);
    if (adjacency === 'zero-out') return gaussianLoss(sigma, gamma, direction);
    return refuse(
      'adjacency',
      "'replace-one' or 'zero-out' with the fixed-size sampler: under add-remove the batch of a fixed size b is drawn " +
        'from datasets of different sizes, no tight dominating pair is known, and the Poisson figure is not a valid ' +
        'substitute (Lebeda et al. 2024)',
      adjacency,
    );
  }
  switch (m.kind) {
    case 'discrete-laplace':
      if (sampled) refuse('sampler', 'no subsampling for the discrete Laplace mechanism (not supported)', 'poisson');
      return discreteLaplaceLoss(m.parameter, (m.sensitivity ?? 1) * (replace ? 2 : 1));
    case 'discrete-gaussian':
      if (sampled) refuse('sampler', 'no subsampling for the discrete Gaussian mechanism (not supported)', 'poisson');
      return discreteGaussianLoss(m.sigma, (m.sensitivity ?? 1) * (replace ? 2 : 1));
    case 'mixture-of-gaussians':
      if (sampled) refuse('sampler', 'no sampler with a mixture of Gaussians (the mixture is the sampling)', 'poisson');
      if (replace) refuse('adjacency', "'add-remove' or 'zero-out' for a mixture of Gaussians", adjacency);
      return mixtureOfGaussiansLoss(m.noiseMultiplier, m.sensitivities, m.probabilities, direction);
    case 'exponential':
      if (sampled) refuse('sampler', 'no subsampling for the exponential mechanism (not supported)', 'poisson');
      return exponentialMechanismLoss(m.epsilon);
    case 'permute-and-flip':
      if (sampled) refuse('sampler', 'no subsampling for permute-and-flip (not supported)', 'poisson');
      return permuteAndFlipLoss(m.epsilon);
    case 'zcdp':
      return refuse('accountant', "'rdp' for a zCDP step (a zCDP guarantee has no privacy loss distribution to compose)", 'pld');
    default:
      return undefined;
  }
}
