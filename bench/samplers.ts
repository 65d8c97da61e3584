/**
 * Timing cases for the batch-sampler accountants (issue 4 targets: one-epoch shuffling lower bound at
 * T = 10^5 under 1 s; dynamic shuffling over 10 epochs at T = 1000 under 2 s). The bench runner times `run`.
 */
import { shuffleDeltaLowerBound, shuffleEpsilonLowerBound } from '../accountants/shuffle.js';
import { compareSamplers, samplerCalibrateNoise } from '../accountants/samplers.js';
import { deterministicEpsilon } from '../accountants/deterministic.js';

export const cases: { name: string; run: () => unknown }[] = [
  {
    name: 'shuffle lower eps, one epoch, T=1e5, sigma=1, delta=1e-6 (target < 1 s)',
    run: () => shuffleEpsilonLowerBound({ noiseMultiplier: 1, stepsPerEpoch: 100_000, epochs: 1, delta: 1e-6 }),
  },
  {
    name: 'shuffle lower delta, one epoch, T=1e5, sigma=1, eps=1 (target < 1 s)',
    run: () => shuffleDeltaLowerBound({ noiseMultiplier: 1, stepsPerEpoch: 100_000, epochs: 1, epsilon: 1 }),
  },
  {
    name: 'dynamic shuffle lower eps, 10 epochs, T=1000, sigma=0.8, delta=1e-6 (target < 2 s)',
    run: () => shuffleEpsilonLowerBound({ noiseMultiplier: 0.8, stepsPerEpoch: 1000, epochs: 10, delta: 1e-6 }),
  },
  {
    name: 'dynamic shuffle lower eps, 10 epochs, T=1000, sigma=2, delta=1e-6 (target < 2 s)',
    run: () => shuffleEpsilonLowerBound({ noiseMultiplier: 2, stepsPerEpoch: 1000, epochs: 10, delta: 1e-6 }),
  },
  {
    name: 'persistent shuffle lower eps, 10 epochs, T=1000, sigma=0.8, delta=1e-6',
    run: () => shuffleEpsilonLowerBound({ noiseMultiplier: 0.8, stepsPerEpoch: 1000, epochs: 10, delta: 1e-6, mode: 'persistent' }),
  },
  {
    name: 'deterministic eps, sigma=0.8, 10 epochs, delta=1e-6',
    run: () => deterministicEpsilon({ noiseMultiplier: 0.8, epochs: 10, delta: 1e-6 }),
  },
  {
    name: 'compare all samplers, T=1000, 1 epoch, sigma=1, delta=1e-6',
    run: () => compareSamplers({ noiseMultiplier: 1, stepsPerEpoch: 1000, epochs: 1, delta: 1e-6 }),
  },
  {
    name: 'calibrate shuffle (necessary sigma), T=1000, 1 epoch, eps=2, delta=1e-6',
    run: () => samplerCalibrateNoise({ sampler: 'shuffle', stepsPerEpoch: 1000, epochs: 1, epsilon: 2, delta: 1e-6 }),
  },
];
