/**
 * Balls-and-bins (random allocation: each unit joins one uniformly random batch of T per epoch, fresh each
 * epoch) under the accountant contract: a certified interval [lower, upper] on epsilon or delta from the
 * PLD of src/pld/randomAllocation.ts (both directions, composed over the epochs), kind `upper`. At T = 1 it
 * is the Gaussian mechanism (closed form, kind `exact`).
 *
 * Monte Carlo (accountants/ballsAndBins/accountant.ts) runs only when a sample count is asked for, and its
 * figure goes beside the certified one (details.monteCarlo and a note), never instead of it.
 */
import { AccountingError } from '../src/errors.js';
import { gaussianBatchStage, type AccountingPlan, type Query } from '../src/plan.js';
import type { Figure } from '../src/result.js';
import { randomAllocationAccount, type RandomAllocationAccount } from '../src/pld/randomAllocation.js';
import { analyticGaussianDelta, analyticGaussianEpsilon } from './deterministic.js';
import type { Accountant, AccountOptions } from './contract.js';

const METHOD = 'random-allocation PLD (log-mean of T log-normal factors, both directions; Feldman & Shenfeld 2026)';

function setting(plan: AccountingPlan) {
  const s = gaussianBatchStage(plan, 'balls-and-bins');
  if (typeof s === 'string') throw new AccountingError(s);
  return s;
}

/** One PLD per plan, queried as often as asked (delta curves, budget checks). */
const built = new WeakMap<AccountingPlan, RandomAllocationAccount>();

function accountOf(plan: AccountingPlan, options: AccountOptions): RandomAllocationAccount {
  let a = built.get(plan);
  if (a === undefined) {
    const s = setting(plan);
    a = randomAllocationAccount({ ...s, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
    built.set(plan, a);
  }
  return a;
}

function certifiedFigure(plan: AccountingPlan, query: Query, options: AccountOptions): Figure {
  const s = setting(plan);
  if (s.stepsPerEpoch === 1) {
    // one batch per epoch: every unit is in every step, a Gaussian at sigma / sqrt(E)
    const sigma = s.noiseMultiplier / Math.sqrt(s.epochs);
    const details = { method: 'Gaussian mechanism (T = 1), analytic (Balle & Wang 2018)', effectiveSigma: sigma };
    if (query.quantity === 'delta') {
      const d = analyticGaussianDelta({ noiseMultiplier: sigma, epsilon: query.epsilon });
      return { value: d, kind: 'exact', lower: d, upper: d, details };
    }
    const e = analyticGaussianEpsilon({ noiseMultiplier: sigma, delta: query.delta });
    return { value: e.upper, kind: 'exact', lower: e.lower, upper: e.upper, details };
  }
  const a = accountOf(plan, options);
  const words = `certified by the random-allocation PLD at grid interval ${a.interval.toPrecision(3)} (both directions, ${s.epochs} epoch${s.epochs === 1 ? '' : 's'})`;
  if (query.quantity === 'delta') {
    const eps = query.epsilon;
    const remove = { upper: a.remove.upperDelta(eps), lower: a.remove.lowerDelta(eps) };
    const add = { upper: a.add.upperDelta(eps) };
    const upper = Math.max(remove.upper, add.upper);
    return {
      value: upper,
      kind: 'upper',
      upper,
      ...(remove.lower > 0 ? { lower: remove.lower } : {}),
      details: { method: METHOD, interval: a.interval, remove, add, removeDetails: a.remove.details, addDetails: a.add.details },
      notes: [`delta is ${words}.`],
    };
  }
  const delta = query.delta;
  const remove = { upper: a.remove.upperEpsilon(delta), lower: a.remove.lowerEpsilon(delta) };
  const add = { upper: a.add.upperEpsilon(delta) };
  const upper = Math.max(remove.upper, add.upper);
  return {
    value: upper,
    kind: 'upper',
    upper,
    ...(remove.lower > 0 ? { lower: remove.lower } : {}),
    details: { method: METHOD, interval: a.interval, remove, add, removeDetails: a.remove.details, addDetails: a.add.details },
    notes: [`epsilon is ${words}.`],
  };
}

/** The Monte Carlo figure as a detail and a note beside the certified one. */
function withEstimate(certified: Figure, estimate: Figure): Figure {
  const words = estimate.kind === 'estimate' ? `${Number(estimate.value.toPrecision(5))}` : `not resolved (${estimate.notes?.[0] ?? 'not enough samples'})`;
  return {
    ...certified,
    details: { ...certified.details, monteCarlo: { value: estimate.value, kind: estimate.kind, ...estimate.details } },
    notes: [
      ...(certified.notes ?? []),
      `Monte Carlo estimate beside it (not a certified bound): ${words}. ${estimate.kind === 'estimate' ? (estimate.notes?.[0] ?? '') : ''}`.trim(),
    ],
  };
}

async function monteCarlo() {
  return (await import('./ballsAndBins/accountant.js')).ballsAndBinsAccountant;
}

export const ballsAndBinsPldAccountant: Accountant = {
  name: 'balls-and-bins',
  compareAs: { sampler: 'balls-and-bins' },
  supports(plan) {
    const s = gaussianBatchStage(plan, 'balls-and-bins');
    return typeof s === 'string' ? s : true;
  },
  describe: (plan) => ({
    name: 'balls-and-bins pld',
    settings: { adjacency: plan.adjacency, ...(plan.accountant.monteCarlo.requested ? { monteCarlo: plan.accountant.monteCarlo } : {}) },
  }),
  async account(plan, query, options = {}) {
    const certified = certifiedFigure(plan, query, options);
    if (!plan.accountant.monteCarlo.requested) return certified;
    return withEstimate(certified, await (await monteCarlo()).account(plan, query, options));
  },
  async accountMany(plan, queries: readonly Query[], options = {}) {
    const certified = queries.map((q) => certifiedFigure(plan, q, options));
    if (!plan.accountant.monteCarlo.requested) return certified;
    const mc = await monteCarlo();
    const estimates = await mc.accountMany!(plan, queries, options);
    return certified.map((c, i) => withEstimate(c, estimates[i]));
  },
};
