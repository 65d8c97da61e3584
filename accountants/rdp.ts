/**
 * The RDP (Renyi differential privacy) accountant: a second, cheaper upper bound beside the PLD accountant,
 * and the figure users of Opacus and dp_accounting's RdpAccountant know.
 *
 * Each stage contributes steps x (its per-step RDP curve) over a fixed set of orders (composition adds RDP,
 * Mironov 2017, Proposition 1); the total curve is converted to (epsilon, delta) as dp_accounting does. By
 * default the orders and the conversion are dp_accounting's, so figures agree with it (see test/rdp.test.ts).
 * Cost does not grow with the number of steps.
 *
 * Supported per-step mechanisms: Gaussian, Poisson-subsampled Gaussian, Laplace, randomized response and pure
 * eps-DP steps. Refused (AccountingError, pointing to the PLD accountant): (eps, delta) steps with delta > 0,
 * Poisson-subsampled Laplace, randomized response or (eps, delta) steps, and Poisson subsampling under
 * replace-one adjacency (its dominating pair is a mixture against a mixture, which MTZ19 does not cover).
 * Adjacency: 'zero-out' gives the same pairs as 'add-remove'; 'replace-one' doubles the sensitivity of the
 * Gaussian and Laplace mechanisms. Randomized response and eps-DP steps are the same under every adjacency:
 * their pair is the outputs on two different values of one record (as in the PLD accountant).
 */
import { asEquivalentGaussian, type Adjacency, type Stage } from '../src/mechanism.js';
import { AccountingError, InputError } from '../src/errors.js';
import { validateStages } from '../src/stages.js';
import { composableProblem, engineStages } from '../src/plan.js';
import type { Figure } from '../src/result.js';
import type { Accountant } from './contract.js';
import { DEFAULT_RDP_ORDERS } from './rdp/orders.js';
import { gaussianRenyi, laplaceRenyi, pureDpRenyi, randomizedResponseRenyi } from './rdp/divergence.js';
import { sampledGaussianRenyi } from './rdp/sampledGaussian.js';
import { sampledWithoutReplacementGaussianRenyi } from './rdp/sampledWithoutReplacement.js';
import { repeatAndSelectRdp } from './rdp/repeatAndSelect.js';
import { discreteGaussianRenyi, exponentialMechanismRenyi, permuteAndFlipRenyi, zcdpRenyi } from './rdp/events.js';
import { deltaFromRdp, epsilonFromRdp, validateOrders } from './rdp/conversion.js';
import { formatInput } from '../src/numeric/format.js';

export { DEFAULT_RDP_ORDERS } from './rdp/orders.js';
export { epsilonFromRdp, deltaFromRdp } from './rdp/conversion.js';
export type { RdpCurve } from './rdp/conversion.js';

export interface RdpOptions {
  /** neighbouring relation; default 'add-remove' */
  readonly adjacency?: Adjacency;
  /** Renyi orders (each a finite number > 1); default DEFAULT_RDP_ORDERS (dp_accounting's) */
  readonly orders?: readonly number[];
}

export interface RdpEpsilon {
  readonly epsilon: number;
  /** the Renyi order that gave the bound */
  readonly order: number;
  readonly kind: 'upper';
}

export interface RdpDelta {
  readonly delta: number;
  /** the Renyi order that gave the bound */
  readonly order: number;
  readonly kind: 'upper';
}

const ADJACENCIES: readonly Adjacency[] = ['add-remove', 'zero-out', 'replace-one'];
const PLD_HINT = 'use the PLD accountant (accountant.name pld)';

/**
 * The RDP curve of the composition of all stages: rdp[k] bounds the Renyi divergence of order orders[k]
 * between the outputs on any two neighbouring datasets, in both directions. An entry is +Infinity when no
 * finite bound exists at that order (the conversions then skip it).
 */
export function rdpOfStages(
  stages: readonly Stage[],
  options: RdpOptions = {},
): { readonly orders: readonly number[]; readonly rdp: Float64Array } {
  const adjacency = options.adjacency ?? 'add-remove';
  if (!ADJACENCIES.includes(adjacency)) {
    throw new InputError('adjacency', `one of ${ADJACENCIES.map((a) => `'${a}'`).join(', ')}`, adjacency);
  }
  const orders = options.orders ?? DEFAULT_RDP_ORDERS;
  validateOrders(orders);
  validateStages(stages);
  const total = new Float64Array(orders.length);
  stages.forEach((stage, s) => {
    const field = `stages[${s}]`;
    const perStep = perStepRenyi(stage, adjacency, field);
    for (let k = 0; k < orders.length; k++) total[k] += stage.steps * perStep(orders[k]);
  });
  const bad = total.findIndex((r) => Number.isNaN(r) || r < 0);
  if (bad >= 0) {
    throw new AccountingError(`RDP at order ${orders[bad]} came out as ${total[bad]}; refusing to report a figure`);
  }
  return { orders: [...orders], rdp: total };
}

/** Upper bound on epsilon at `delta` for the composition of all stages, with the order that gives it. */
export function rdpEpsilon(stages: readonly Stage[], delta: number, options: RdpOptions = {}): RdpEpsilon {
  if (typeof delta !== 'number' || !(delta > 0 && delta < 1)) {
    throw new InputError('delta', 'a number in (0, 1)', delta);
  }
  const curve = rdpOfStages(stages, options);
  const { epsilon, order } = epsilonFromRdp({ ...curve, delta });
  return { epsilon, order, kind: 'upper' };
}

/** Upper bound on delta at `epsilon` for the composition of all stages, with the order that gives it. */
export function rdpDelta(stages: readonly Stage[], epsilon: number, options: RdpOptions = {}): RdpDelta {
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
    throw new InputError('epsilon', 'a finite number >= 0', epsilon);
  }
  const curve = rdpOfStages(stages, options);
  const { delta, order } = deltaFromRdp({ ...curve, epsilon });
  return { delta, order, kind: 'upper' };
}

/** The per-step RDP of a (validated) stage as a function of the order, or a refusal. */
function perStepRenyi(stage: Stage, adjacency: Adjacency, field: string): (order: number) => number {
  // tree aggregation is a Gaussian of sensitivity sqrt(depth) per epoch (src/mechanism.ts)
  const m = asEquivalentGaussian(stage.mechanism);
  if (stage.truncation !== undefined)
    throw new AccountingError(`${field}: the RDP accountant has no analysis of the truncated-poisson sampler; ${PLD_HINT}`);
  if (stage.fixedSize !== undefined) return fixedSizeRenyi(stage, adjacency, field);
  if (stage.randomAllocation !== undefined)
    throw new AccountingError(`${field}: the RDP accountant has no analysis of the balls-and-bins sampler; ${PLD_HINT}`);
  const q = stage.poissonRate ?? 1;
  // q = 1 samples everyone: the stage is the unsampled mechanism, under every adjacency.
  const sampled = q < 1;
  if (sampled && adjacency === 'replace-one') {
    throw new AccountingError(`${field}: the RDP accountant does not cover Poisson subsampling under replace-one adjacency; ${PLD_HINT}`);
  }
  // Replacing one record moves a sum by up to twice the sensitivity.
  const sensitivityFactor = adjacency === 'replace-one' ? 2 : 1;
  switch (m.kind) {
    case 'gaussian': {
      if (sampled) {
        // noise std over sensitivity, both in clip norms
        const noiseMultiplier = m.noiseMultiplier / (m.sensitivity ?? 1);
        return (order) => sampledGaussianRenyi({ samplingRate: q, noiseMultiplier, order });
      }
      // sensitivity over noise std, both in clip norms
      const ratio = (sensitivityFactor * (m.sensitivity ?? 1)) / m.noiseMultiplier;
      return (order) => gaussianRenyi({ ratio, order });
    }
    case 'laplace': {
      if (sampled) throw refuseSampled(field, 'Laplace');
      const epsilon = (sensitivityFactor * (m.sensitivity ?? 1)) / m.scale;
      return (order) => laplaceRenyi({ epsilon, order });
    }
    case 'randomized-response': {
      if (sampled) throw refuseSampled(field, 'randomized response');
      const k = m.categories;
      return m.epsilon !== undefined
        ? (order) => randomizedResponseRenyi({ categories: k, epsilon: m.epsilon as number, order })
        : (order) => randomizedResponseRenyi({ categories: k, noiseParameter: m.noiseParameter as number, order });
    }
    case 'eps-delta': {
      if (m.delta > 0) {
        throw new AccountingError(
          `${field}: the RDP accountant cannot account for an (epsilon, delta) step with delta > 0 ` +
            `(here delta = ${formatInput(m.delta)}); ${PLD_HINT}`,
        );
      }
      if (sampled) throw refuseSampled(field, 'an (epsilon, delta) step');
      const epsilon = m.epsilon;
      return (order) => pureDpRenyi({ epsilon, order });
    }
    case 'zcdp': {
      if (sampled) throw refuseSampled(field, 'a zCDP step');
      const { rho, xi } = m;
      return (order) => zcdpRenyi({ rho, xi, order });
    }
    case 'discrete-gaussian': {
      if (sampled) throw refuseSampled(field, 'the discrete Gaussian');
      const sensitivity = sensitivityFactor * (m.sensitivity ?? 1);
      const sigma = m.sigma;
      return (order) => discreteGaussianRenyi({ sigma, sensitivity, order });
    }
    case 'exponential': {
      if (sampled) throw refuseSampled(field, 'the exponential mechanism');
      const epsilon = m.epsilon;
      return (order) => exponentialMechanismRenyi({ epsilon, order });
    }
    case 'permute-and-flip': {
      if (sampled) throw refuseSampled(field, 'permute-and-flip');
      const epsilon = m.epsilon;
      return (order) => permuteAndFlipRenyi({ epsilon, order });
    }
    case 'tree-aggregation':
    case 'discrete-laplace':
    case 'mixture-of-gaussians':
      throw new AccountingError(`${field}: the RDP accountant has no analysis of the ${m.kind} mechanism; ${PLD_HINT}`);
  }
}

/**
 * Fixed-size batches (fraction gamma = b/n) of a Gaussian: under replace-one the bound of Wang, Balle,
 * Kasiviswanathan 2019 with the replace-one sensitivity (twice the clip norm); under zero-out the unit's slot
 * is in the batch with probability gamma and its gradient is zeroed, the Poisson pair at rate gamma.
 */
function fixedSizeRenyi(stage: Stage, adjacency: Adjacency, field: string): (order: number) => number {
  const m = stage.mechanism;
  if (m.kind !== 'gaussian') throw refuseSampled(field, m.kind);
  const gamma = stage.fixedSize!.batchSize / stage.fixedSize!.datasetSize;
  const sensitivity = m.sensitivity ?? 1;
  if (adjacency === 'replace-one') {
    const noiseMultiplier = m.noiseMultiplier / (2 * sensitivity);
    return (order) => sampledWithoutReplacementGaussianRenyi({ samplingRate: gamma, noiseMultiplier, order });
  }
  if (adjacency === 'zero-out') {
    const noiseMultiplier = m.noiseMultiplier / sensitivity;
    return (order) => sampledGaussianRenyi({ samplingRate: gamma, noiseMultiplier, order });
  }
  throw new AccountingError(`${field}: the fixed-size sampler is accounted under replace-one or zero-out adjacency only`);
}

function refuseSampled(field: string, what: string): AccountingError {
  return new AccountingError(
    `${field}: the RDP accountant covers Poisson subsampling of the Gaussian mechanism only, not of ${what}; ${PLD_HINT}`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// the accountant contract (accountants/contract.ts)

/** RDP over every composable stage: a looser certified upper bound, cheap to evaluate. */
export const rdpPlanAccountant: Accountant = {
  name: 'rdp',
  supports: (plan) => composableProblem(plan, 'rdp') ?? true,
  describe: (plan) => ({ name: 'rdp', settings: { adjacency: plan.adjacency } }),
  account(plan, query): Figure {
    const stages = engineStages(plan);
    const options = { adjacency: plan.adjacency };
    if (plan.repeatAndSelect !== undefined) {
      const { mean, shape } = plan.repeatAndSelect;
      const curve = rdpOfStages(stages, options);
      const rdp = repeatAndSelectRdp(curve, mean, shape);
      const details = { repeatAndSelect: { mean, shape: shape === Infinity ? 'infinity' : shape } };
      if (query.quantity === 'epsilon') {
        const r = epsilonFromRdp({ orders: curve.orders, rdp, delta: query.delta });
        return { value: r.epsilon, kind: 'upper', upper: r.epsilon, details: { order: r.order, ...details } };
      }
      const r = deltaFromRdp({ orders: curve.orders, rdp, epsilon: query.epsilon });
      return { value: r.delta, kind: 'upper', upper: r.delta, details: { order: r.order, ...details } };
    }
    if (query.quantity === 'epsilon') {
      const r = rdpEpsilon(stages, query.delta, options);
      return { value: r.epsilon, kind: 'upper', upper: r.epsilon, details: { order: r.order } };
    }
    const r = rdpDelta(stages, query.epsilon, options);
    return { value: r.delta, kind: 'upper', upper: r.delta, details: { order: r.order } };
  },
};
