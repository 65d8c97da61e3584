/**
 * Balls-and-bins Monte Carlo benchmarks (run by bench/run.ts after `npm run build`, so worker threads are used).
 *
 * Target (issue 5): importance sampling at T = 1000, one epoch, 10^5 samples, one eps, both directions, in under
 * 5 s on the 2-core machine (the authors' numpy code: about 30 s per eps and direction). eps = 1 is chosen so that
 * both directions are really sampled (at larger eps the add direction is skipped as certified smaller).
 */
import { ballsAndBinsDelta, ballsAndBinsEpsilon } from '../accountants/ballsAndBins/index.js';

const reference = { noiseMultiplier: 0.35, stepsPerEpoch: 1000, epochs: 1, seed: 1 } as const;

export const cases: { name: string; run: () => Promise<unknown> | unknown }[] = [
  {
    name: 'balls-and-bins importance sampling: T = 1000, 1 epoch, 1e5 samples, eps = 1, both directions',
    run: () => ballsAndBinsDelta({ ...reference, epsilons: [1], samples: 100000, method: 'importance' }),
  },
  {
    name: 'balls-and-bins order statistics: T = 1000, 1 epoch, 5e5 samples, 7 eps, both directions (149 ranks)',
    run: () => ballsAndBinsDelta({ ...reference, epsilons: [0.5, 1, 2, 4, 6, 8, 10], samples: 500000, method: 'order-statistics' }),
  },
  {
    name: 'balls-and-bins order statistics: T = 1000, 10 epochs, sigma = 0.8, 2e4 samples, eps = 1',
    run: () => ballsAndBinsDelta({ ...reference, noiseMultiplier: 0.8, epochs: 10, epsilons: [1], samples: 20000 }),
  },
  {
    name: 'balls-and-bins eps for delta = 1e-6: T = 1000, 1 epoch, 1e5 samples (pilot + main pass)',
    run: () => ballsAndBinsEpsilon({ ...reference, delta: 1e-6, samples: 100000 }),
  },
];
