/**
 * DP scaling laws (issue 13): the full 100 x 100 `scaling optimize` search on the bundled loss model (the issue's
 * bound: under 30 s on the 2-core reference machine), and the units VaultGemma's configuration needs by PLD.
 */
import { BERT_TABLE2_LAW, optimize, parametricModel, unitsForBudget } from '../accountants/scaling/index.js';
import { stagePlan } from '../accountants/scaling/noise.js';
import { accountPlan } from '../src/spec/evaluate.js';

const model = parametricModel(BERT_TABLE2_LAW);

export const cases = [
  {
    name: 'scaling optimize 100x100 (N 1e7, eps 4, delta 1e-8, C 3.8e20; grid by RDP, best 3 by PLD)',
    run: async () => {
      const r = await optimize({ epsilon: 4, delta: 1e-8, units: 1e7, seqLen: 512, flops: 3.8e20, model });
      const b = r.best;
      return `M ${b.modelSize.toPrecision(2)} B ${b.batchSize} T ${b.steps} sigma ${b.noiseMultiplier.toPrecision(4)} loss ${b.loss?.toFixed(3)} (non-private M ${r.nonPrivateModelSize.toPrecision(2)}), band ${r.band.count}`;
    },
  },
  {
    name: 'scaling VaultGemma (sigma 0.614, B 518000, T 1e5, delta 1.1e-10): units for eps 2 by RDP; eps by PLD 3e-3 at 1e10 units',
    run: async () => {
      const rdp = await unitsForBudget({
        epsilon: 2,
        delta: 1.1e-10,
        noiseMultiplier: 0.614,
        batchSize: 518000,
        steps: 100000,
        accountant: 'rdp',
      });
      const at = async (units: number) =>
        (
          await accountPlan(stagePlan({ units, batchSize: 518000, steps: 100000, sigma: 0.614, delta: 1.1e-10, discretization: 3e-3 }), {
            quantity: 'epsilon',
            delta: 1.1e-10,
          })
        ).upper;
      return `RDP N ${rdp.units.toPrecision(4)}; PLD eps <= ${await at(1e10)} at N 1e10, <= ${await at(13e12 / 1024)} at N 1.27e10 (13T tokens / 1024)`;
    },
  },
];
