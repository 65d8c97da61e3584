/**
 * Timing cases for the mechanisms and samplers of issue 12 that are too slow for the test suite: VaultGemma under
 * truncated Poisson sampling, and the heaviest events.json rows.
 *
 * VaultGemma (sigma 0.614, 100,000 steps, expected batch 518,000, delta 1.1e-10): the sequence count is derived
 * as the 13e12-token training mixture cut into 1024-token sequences, N = 12,695,312,500 (q = 4.08e-5). The maximum
 * batch is not public; the cases use the expected batch plus 7, 8 and 10 standard deviations. Grid 3e-3: the
 * default precision answers too (double-double compositions, about 15 s), the coarse grid in a few seconds.
 */
import { pldAccountant, pldEpsilon } from '../accountants/pld.js';
import type { Stage } from '../src/mechanism.js';

const N = 13e12 / 1024;
const b = 518_000;
const q = b / N;
const sd = Math.sqrt(b * (1 - q));

function vaultGemma(sds?: number): string {
  const stage: Stage = {
    mechanism: { kind: 'gaussian', noiseMultiplier: 0.614 },
    poissonRate: q,
    ...(sds !== undefined ? { truncation: { datasetSize: N, maxBatchSize: Math.round(b + sds * sd) } } : {}),
    steps: 100_000,
  };
  const f = pldAccountant([stage], { discretization: 3e-3 }).epsilon(1.1e-10);
  const plain = f.details.plainPoisson as { upper: number } | undefined;
  return `eps in [${f.lower.toFixed(4)}, ${f.upper.toFixed(4)}]${plain ? `, plain Poisson <= ${plain.upper.toFixed(4)}` : ''}`;
}

export const cases: { name: string; run: () => unknown }[] = [
  { name: 'VaultGemma, Poisson (N = 1.27e10 sequences)', run: () => vaultGemma() },
  { name: 'VaultGemma, truncated Poisson, max batch = mean + 7 sd (523,038)', run: () => vaultGemma(7) },
  { name: 'VaultGemma, truncated Poisson, max batch = mean + 8 sd (523,758)', run: () => vaultGemma(8) },
  { name: 'VaultGemma, truncated Poisson, max batch = mean + 10 sd (525,197)', run: () => vaultGemma(10) },
  {
    name: 'events.json: truncated Poisson n=5e5 q=0.002048 B=1126 sigma=0.8 x1e4 delta=1e-8 (dp_accounting <= 8.8449)',
    run: () =>
      pldEpsilon(
        [
          {
            mechanism: { kind: 'gaussian', noiseMultiplier: 0.8 },
            poissonRate: 0.002048,
            truncation: { datasetSize: 500_000, maxBatchSize: 1126 },
            steps: 10_000,
          },
        ],
        1e-8,
      ).upper.toFixed(4),
  },
  {
    name: 'events.json: mixture of Gaussians sigma=1 [0,1,2] (user level k=2, q=0.01) x2000 delta=1e-6 grid 1e-4 (dp_accounting 6.432607)',
    run: () =>
      pldEpsilon(
        [
          {
            mechanism: {
              kind: 'mixture-of-gaussians',
              noiseMultiplier: 1,
              sensitivities: [0, 1, 2],
              probabilities: [0.9801, 0.0198, 0.0001],
            },
            steps: 2000,
          },
        ],
        1e-6,
      ).upper.toFixed(4),
  },
];
