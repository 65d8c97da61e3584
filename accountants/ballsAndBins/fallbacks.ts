/**
 * The named fallbacks of the balls-and-bins accountant (`--method decomposition|rdp`, spec
 * `accountant.method`): Feldman & Shenfeld 2025's cheaper bounds as Figures of kind `upper`, each labelled
 * with its method. They give no lower bound; a setting outside a bound's theorem is refused (exit 3).
 */
import type { GaussianBatchSetting, Query } from '../../src/plan.js';
import type { Figure } from '../../src/result.js';
import type { DecompositionBound } from './decomposition.js';
import { allocationRdpDelta, allocationRdpEpsilon, MAX_ORDER } from './rdpBound.js';

export const DECOMPOSITION_METHOD = 'decomposition through Poisson subsampling at rate 1/T (Feldman & Shenfeld 2025), one epoch';
export const RDP_METHOD =
  'RDP of the remove direction at integer orders 2..' +
  MAX_ORDER +
  ' and a shifted Gaussian for the add direction (Feldman & Shenfeld 2025)';

function binding(remove: number, add: number): string {
  return remove >= add ? 'the remove direction binds' : 'the add direction binds';
}

/** The decomposition bound as a figure (`bound` is built once per plan by the caller). */
export function decompositionFigure(bound: DecompositionBound, query: Query): Figure {
  const f = query.quantity === 'delta' ? bound.delta(query.epsilon) : bound.epsilon(query.delta);
  return {
    value: f.upper,
    kind: 'upper',
    upper: f.upper,
    details: { method: DECOMPOSITION_METHOD, methodName: 'decomposition', remove: f.remove, add: f.add, lambda: f.lambda },
    notes: [
      `${query.quantity} is a certified upper bound by the decomposition through Poisson subsampling (Feldman & Shenfeld 2025; ` +
        `both directions, ${binding(f.remove, f.add)}): looser than the default method pld, and without a lower bound.`,
    ],
  };
}

/** The RDP bound as a figure. */
export function rdpFigure(s: GaussianBatchSetting, query: Query): Figure {
  const f = query.quantity === 'delta' ? allocationRdpDelta(s, query.epsilon) : allocationRdpEpsilon(s, query.delta);
  return {
    value: f.upper,
    kind: 'upper',
    upper: f.upper,
    details: { method: RDP_METHOD, methodName: 'rdp', remove: f.remove, add: f.add, order: f.order },
    notes: [
      `${query.quantity} is a certified upper bound by Renyi DP (remove direction, order ${f.order}) and a shifted Gaussian ` +
        `(add direction), Feldman & Shenfeld 2025 (${binding(f.remove, f.add)}): looser than the default method pld, and without a lower bound.`,
    ],
  };
}
