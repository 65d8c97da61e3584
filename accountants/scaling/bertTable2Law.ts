/**
 * The bundled loss model of `dpacct scaling`: the paper's parametric form 2 (McKenna et al., arXiv 2501.18914,
 * Appendix E) with its published exponents, and scale coefficients fitted to the 20 rows of its Table 2 (BERT
 * masked-LM loss at the saturating compute of N in 1e5..1e9 units and eps in 1, 4, 16, 64, delta 1e-8, sequences of
 * 512 tokens). Made by bench/scalingFit.ts (see accountants/scaling/README.md for the fit and how well it
 * reproduces the rows). Only published numbers went in; the paper's measured losses are not public.
 */
import type { ParametricLaw } from './lossModel.js';

export const BERT_TABLE2_LAW: ParametricLaw = {
  kind: 'parametric-law',
  name: 'bert-table2',
  source:
    'McKenna et al. 2025 (arXiv 2501.18914): Appendix E form 2 with its published exponents; E, A, B, C fitted by non-negative least squares ' +
    'to the 20 rows of Table 2 (sigma calibrated by dpacct at delta 1e-8). Reproduces those rows to 10.1% (rms 5.6%).',
  form: 'mckenna-form-2',
  coefficients: {
    E: 0,
    A: 1703.9332251678588,
    alpha: 0.47,
    B: 3.809325205241264,
    beta: 0.12,
    C: 2.1295321343207725,
    gamma: 0.95,
    kappa: -0.07,
    center: 8,
    width: 1.6,
  },
  // the paper's experimental grid: BERT Tiny (4.5M) to Large (335M) parameters, 1000 to 128,000 steps (runs of
  // up to 128K iterations, the first 1000 discarded as warm-up), noise-batch ratios 2^-23 to 2^-6
  domain: {
    modelSize: { min: 4.5e6, max: 3.35e8 },
    steps: { min: 1000, max: 128000 },
    noiseBatchRatio: { min: 2 ** -23, max: 2 ** -6 },
  },
};
