/**
 * One step's privacy loss on a grid, pessimistically (connect the dots, see grid.ts).
 *
 * For a continuous model the grid covers [lo, hi]; cell [g_j, g_j + h) holds P-mass M_j and Q-mass N_j,
 * and connect-the-dots sends (e^(g_j + h) N_j - M_j) / expm1(h) of it to g_j and the rest to g_j + h, the
 * aggregate of the per-atom split. Mass below lo is moved up to lo, mass above hi to +infinity: both only
 * make the pair more pessimistic. Masses are differences of whichever tail is small, so they keep their
 * relative precision far into the tails.
 */
import { connectDotsToGrid, lowerShare, type GridPmf } from './grid.js';
import { AccountingError } from '../errors.js';
import { groupAtoms, mergeCellsToPoints, optimisticAtomsToGrid, qMass } from './optimistic.js';
import type { ContinuousLossModel, LossModel, TailMass } from './lossModels.js';

// bound once: global Math lookups are slow in hot loops under some module loaders (jest's vm)
const { ceil, expm1, floor, log, max, min, round } = Math;

/**
 * Relative shading of a cell's excess and deficit (optimistic.ts): the merged loss of a cell comes from
 * ln(p / q) of tail differences, good to far better than this fraction of a cell for the grids used.
 */
const CELL_SAFETY = 1e-6;

/**
 * Next to a hard edge of the loss, one merged atom per cell cannot balance the cells just above the edge,
 * and their excess is rounded down on every step (q = 1e-3, sigma 0.5 at h = 1e-4: 2.5e-6 of Q-mass added,
 * 246 h^2, per step: 0.1 in eps after 10^5 steps; a smooth loss adds about 0.1 h^2). When what the
 * optimistic step adds, times the `steps` it is composed, passes EDGE_ROUNDING grid intervals, it is built
 * again from cells cut in EDGE_PARTS, placed on that finer grid (mergeCellsToPoints) and grouped onto the
 * grid (optimistic.ts, groupAtoms): 7.6e-11 per step there, and at q = 1e-4, sigma 0.5, h = 2.5e-5 (the
 * bulk within two cells of the edge) 3.2e-11 instead of 2.8e-6 (halves: 6.2e-7). That costs about
 * 2 + EDGE_PARTS times the discretizing (booked in the work measure, DiscretizedStep.cost), which is most of
 * the work for few steps. Only next to a lower edge: below an upper edge (the add direction of a subsampled
 * step) a tenth of the mass piles up within a cell or two, and finer cells help little (q = 1e-4, sigma 0.8
 * at h = 6.25e-6: 2.3e-8 -> 3.2e-9 per step with halves, for a second on 10^6 steps; that direction's
 * figure is usually far below the other's).
 */
const EDGE_ROUNDING = 1;
const EDGE_PARTS = 4;

/** Largest single-step grid (points) and grid index dpacct will handle before refusing. */
const MAX_STEP_POINTS = 1 << 27;
const MAX_INDEX = 2 ** 40;

export interface DiscretizedStep {
  readonly pmf: GridPmf;
  /** probability (under P) that the loss falls outside the grid's finite range, where it was moved */
  readonly outOfRange: number;
  /** mass added at +infinity that is not genuinely infinite loss */
  readonly booked: number;
  /** optimistic counterpart (optimistic.ts): delta(eps) from it, composed, is a lower bound */
  readonly optimistic: GridPmf;
  /** work of discretizing, in units of a plain pass over the grid (more when the optimistic step was redone) */
  readonly cost?: number;
}

/** Where the grid may turn coarse: above the loss whose P-tail is `tail`, cells of `interval`. */
export interface CoarseTail {
  readonly interval: number;
  readonly tail: number;
}

/**
 * Discretize one step at grid interval h; finite loss beyond probability `tail` on each side is moved.
 * With `coarse`, the far upper tail (P-mass at most coarse.tail) uses cells of the coarser interval (a
 * multiple of h): the PMF stays on the fine grid, sparse there, and discretizing is much cheaper for
 * heavy-tailed steps; those losses count as out of range for the lower bound.
 * `steps`: how often the step is composed (see EDGE_ROUNDING).
 */
export function discretizeStep(model: LossModel, h: number, tail: number, coarse?: CoarseTail, steps = 1): DiscretizedStep {
  if (model.type === 'discrete') {
    return {
      pmf: connectDotsToGrid({ ...model.atoms, interval: h }),
      outOfRange: 0,
      booked: 0,
      optimistic: optimisticAtomsToGrid({ ...model.atoms, interval: h }),
    };
  }
  const whole = discretizeContinuous(model, h, tail, coarse, 1);
  const redo = Number.isFinite(model.lossInf) && steps * (qMass(whole.optimistic) - 1) > EDGE_ROUNDING * h;
  return redo ? { ...discretizeContinuous(model, h, tail, coarse, EDGE_PARTS), cost: 2 + EDGE_PARTS } : whole;
}

/** `parts`: optimistic cells per grid cell (see EDGE_ROUNDING) */
function discretizeContinuous(
  model: ContinuousLossModel,
  h: number,
  tail: number,
  coarse: CoarseTail | undefined,
  parts: number,
): DiscretizedStep {
  const loIndex = Number.isFinite(model.lossInf) ? floor(model.lossInf / h) : searchLow(model, h, tail);
  // with a finite supremum the top cell [hi - h, hi) must hold it, atoms at the supremum included
  let hiIndex = Number.isFinite(model.lossSup) ? floor(model.lossSup / h) + 1 : searchHigh(model, h, tail);
  // lossSup / h may round down across an integer (0.3 / 1e-4 = 2999.9999999999995): keep hi strictly above
  if (Number.isFinite(model.lossSup)) while (hiIndex * h <= model.lossSup) hiIndex++;
  // fine cells up to switchIndex, then cells of `factor` fine intervals
  let factor = 1;
  let switchIndex = hiIndex;
  if (coarse && coarse.interval > h) {
    factor = round(coarse.interval / h);
    const s = factor * ceil(searchHigh(model, h, coarse.tail) / factor);
    if (s < hiIndex) {
      switchIndex = max(s, factor * ceil(loIndex / factor));
      hiIndex = switchIndex + factor * ceil((hiIndex - switchIndex) / factor);
    }
  }
  if (hiIndex - loIndex + 1 > MAX_STEP_POINTS) throw tooWide(model, h);
  const masses = new Float64Array(hiIndex - loIndex + 1);
  // optimistic cells, fine cells cut in `parts`: start (in 1/parts intervals from loIndex), P-mass, excess
  // over the lower point, deficit below the upper
  const cellCount = parts * (switchIndex - loIndex) + ceil((hiIndex - switchIndex) / factor);
  const cellStart = new Float64Array(cellCount + 1);
  const cellMassP = new Float64Array(cellCount);
  const cellExcess = new Float64Array(cellCount);
  const cellDeficit = new Float64Array(cellCount);
  let cell = 0;
  /** an optimistic cell [lower, lower + cellInterval) (loss) with P-mass p and Q-mass q */
  const addCell = (start: number, lower: number, cellInterval: number, p: number, q: number) => {
    if (p > 0) {
      // the cell's merged loss sits u above its lower point (u = w when Q-mass underflows: all excess)
      const u = q > 0 ? min(cellInterval, max(0, log(p) - log(q) - lower)) : cellInterval;
      cellMassP[cell] = p;
      cellExcess[cell] = p * -expm1(-u) * (1 - CELL_SAFETY);
      cellDeficit[cell] = p * expm1(cellInterval - u) * (1 + CELL_SAFETY);
    }
    cellStart[cell++] = start;
  };
  // below-tails only where the above-tails are large (and their differences would cancel)
  let wantBelow = true;
  const tailsAt = (edge: number) => {
    const t = model.tails(edge, wantBelow);
    if (wantBelow && !needsBelow(t.above)) wantBelow = false;
    return t;
  };
  let prev = tailsAt(loIndex * h);
  // whatever lies below the grid is moved up to its lowest point
  masses[0] += model.below(loIndex * h).p;
  let index = loIndex;
  while (index < hiIndex) {
    const width = index < switchIndex ? 1 : factor;
    const cellInterval = width * h;
    const edge = (index + width) * h;
    const next = tailsAt(edge);
    const p = cellMass(prev.above.p, next.above.p, prev.below?.p, next.below?.p);
    const q = p > 0 ? cellMass(prev.above.q, next.above.q, prev.below?.q, next.below?.q) : 0;
    if (p > 0) {
      // share of the cell's P-mass that goes to the lower grid point, from the Q/P ratio of the cell:
      // (e^(edge) N/M - 1) / expm1(w) = lowerShare at the distance u = w - (edge + ln N/M) above the lower point
      const toLower = q > 0 ? p * lowerShare(cellInterval - (edge + log(q) - log(p)), cellInterval) : 0;
      masses[index - loIndex] += toLower;
      masses[index + width - loIndex] += p - toLower;
    }
    const start = parts * (index - loIndex);
    if (width === 1 && parts > 1) {
      let from = prev;
      for (let k = 0; k < parts; k++) {
        const to = k === parts - 1 ? next : tailsAt((index + (k + 1) / parts) * h);
        const pk = cellMass(from.above.p, to.above.p, from.below?.p, to.below?.p);
        const qk = cellMass(from.above.q, to.above.q, from.below?.q, to.below?.q);
        addCell(start + k, (index + k / parts) * h, h / parts, pk, qk);
        from = to;
      }
    } else addCell(start, index * h, cellInterval, p, q);
    prev = next;
    index += width;
  }
  cellStart[cell] = parts * (hiIndex - loIndex);
  // cells of 1/parts interval up to switchIndex (bridges in mergeCellsToPoints need equal widths)
  const points = mergeCellsToPoints(
    cellMassP.subarray(0, cell),
    cellExcess.subarray(0, cell),
    cellDeficit.subarray(0, cell),
    parts * (switchIndex - loIndex),
  );
  const top = model.above(hiIndex * h).p;
  const coarseMass = switchIndex < hiIndex ? model.above(switchIndex * h).p : top;
  // optimistic: mass below the grid is dropped, mass above it rounded down to its top point
  points[cell] += top;
  const optimisticMasses = new Float64Array(masses.length);
  // the points of the finer grid grouped onto the grid (or, failing that, rounded down to it)
  const grouped =
    parts === 1
      ? null
      : groupAtoms(
          Float64Array.from(cellStart.subarray(0, cell + 1), (k) => loIndex + k / parts),
          points,
          h,
        );
  if (grouped !== null) {
    for (let k = 0; k < grouped.masses.length; k++)
      if (grouped.masses[k] > 0) optimisticMasses[grouped.offset + k - loIndex] += grouped.masses[k];
  } else for (let k = 0; k <= cell; k++) optimisticMasses[floor(cellStart[k] / parts)] += points[k];
  return {
    pmf: { interval: h, offset: loIndex, masses, infinityMass: model.infinityMass + top },
    outOfRange: coarseMass + model.below(loIndex * h).p,
    booked: top,
    optimistic: { interval: h, offset: loIndex, masses: optimisticMasses, infinityMass: model.infinityMass },
  };
}

function tooWide(model: ContinuousLossModel, h: number): AccountingError {
  return new AccountingError(
    `the privacy loss of one step of ${model.label} spans more than ${MAX_STEP_POINTS} grid points at interval ${h}; ` +
      'use a coarser accountant.discretization (or check the noise: this much privacy loss per step is rarely intended)',
  );
}

/**
 * The width of a step's loss range (finite part, up to probability `tail` in each tail), for choosing grids
 * before discretizing. Discrete models: the span of their atoms.
 */
export function lossRangeWidth(model: LossModel, tail: number): number {
  if (model.type === 'discrete') {
    const l = Array.from(model.atoms.losses);
    return l.length ? Math.max(...l) - Math.min(...l) : 0;
  }
  // searches run on a unit grid scaled to the loss's spread, so their index stays small
  const h = Math.max(1e-12, Math.sqrt(model.moments().variance)) / 64;
  const lo = Number.isFinite(model.lossInf) ? model.lossInf / h : searchLow(model, h, tail);
  const hi = Number.isFinite(model.lossSup) ? model.lossSup / h : searchHigh(model, h, tail);
  return (hi - lo) * h;
}

/** Below-tails are needed where the above-tails are large; above-tails fall along the grid. */
function needsBelow(t: TailMass): boolean {
  return t.p > 0.25 || t.q > 0.25;
}

/** Mass of [a, b) from the tails at a and b, using the smaller tail. */
function cellMass(aboveA: number, aboveB: number, belowA: number | undefined, belowB: number | undefined): number {
  if (aboveA <= 0.5 || belowA === undefined || belowB === undefined) return max(0, aboveA - aboveB);
  return max(0, belowB - belowA);
}

/** Largest grid index whose point has P-mass at most `tail` below it. */
function searchLow(model: ContinuousLossModel, h: number, tail: number): number {
  let step = 1;
  let start = floor(model.moments().mean / h);
  while (model.below(start * h).p > tail) {
    start -= step;
    step *= 2;
    if (-start > MAX_INDEX) throw tooWide(model, h);
  }
  // now below(start) <= tail; find the largest such index up to start + step
  let good = start;
  let bad = start + step;
  while (bad - good > 1) {
    const mid = floor((good + bad) / 2);
    if (model.below(mid * h).p <= tail) good = mid;
    else bad = mid;
  }
  return good;
}

/** Smallest grid index whose point has P-mass at most `tail` at or above it. */
function searchHigh(model: ContinuousLossModel, h: number, tail: number): number {
  let step = 1;
  let start = ceil(model.moments().mean / h);
  while (model.above(start * h).p > tail) {
    start += step;
    step *= 2;
    if (start > MAX_INDEX) throw tooWide(model, h);
  }
  let good = start;
  let bad = start - step;
  while (good - bad > 1) {
    const mid = ceil((good + bad) / 2);
    if (model.above(mid * h).p <= tail) good = mid;
    else bad = mid;
  }
  return good;
}
