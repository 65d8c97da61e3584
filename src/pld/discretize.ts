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
import { mergeCellsToPoints, optimisticAtomsToGrid } from './optimistic.js';
import type { ContinuousLossModel, LossModel, TailMass } from './lossModels.js';

// bound once: global Math lookups are slow in hot loops under some module loaders (jest's vm)
const { ceil, expm1, floor, log, max, min, round } = Math;

/**
 * Relative shading of a cell's excess and deficit (optimistic.ts): the merged loss of a cell comes from
 * ln(p / q) of tail differences, good to far better than this fraction of a cell for the grids used.
 */
const CELL_SAFETY = 1e-6;

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
 */
export function discretizeStep(model: LossModel, h: number, tail: number, coarse?: CoarseTail): DiscretizedStep {
  if (model.type === 'discrete') {
    return {
      pmf: connectDotsToGrid({ ...model.atoms, interval: h }),
      outOfRange: 0,
      booked: 0,
      optimistic: optimisticAtomsToGrid({ ...model.atoms, interval: h }),
    };
  }
  return discretizeContinuous(model, h, tail, coarse);
}

function discretizeContinuous(model: ContinuousLossModel, h: number, tail: number, coarse?: CoarseTail): DiscretizedStep {
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
  // optimistic cells: lower point (relative index), P-mass, excess over the lower point, deficit below the upper
  const cellCount = switchIndex - loIndex + ceil((hiIndex - switchIndex) / factor);
  const cellStart = new Float64Array(cellCount + 1);
  const cellMassP = new Float64Array(cellCount);
  const cellExcess = new Float64Array(cellCount);
  const cellDeficit = new Float64Array(cellCount);
  let cell = 0;
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
    if (p > 0) {
      const q = cellMass(prev.above.q, next.above.q, prev.below?.q, next.below?.q);
      // share of the cell's P-mass that goes to the lower grid point, from the Q/P ratio of the cell:
      // (e^(edge) N/M - 1) / expm1(w) = lowerShare at the distance u = w - (edge + ln N/M) above the lower point
      const toLower = q > 0 ? p * lowerShare(cellInterval - (edge + log(q) - log(p)), cellInterval) : 0;
      masses[index - loIndex] += toLower;
      masses[index + width - loIndex] += p - toLower;
      // the cell's merged loss sits u above its lower point (u = w when Q-mass underflows: all excess)
      const u = q > 0 ? min(cellInterval, max(0, log(p) - log(q) - (edge - cellInterval))) : cellInterval;
      cellMassP[cell] = p;
      cellExcess[cell] = p * -expm1(-u) * (1 - CELL_SAFETY);
      cellDeficit[cell] = p * expm1(cellInterval - u) * (1 + CELL_SAFETY);
    }
    cellStart[cell] = index - loIndex;
    cell++;
    prev = next;
    index += width;
  }
  cellStart[cell] = hiIndex - loIndex;
  // cells of one fine interval up to switchIndex (bridges in mergeCellsToPoints need equal widths)
  const points = mergeCellsToPoints(
    cellMassP.subarray(0, cell),
    cellExcess.subarray(0, cell),
    cellDeficit.subarray(0, cell),
    switchIndex - loIndex,
  );
  const optimisticMasses = new Float64Array(masses.length);
  for (let k = 0; k <= cell; k++) optimisticMasses[cellStart[k]] += points[k];
  const top = model.above(hiIndex * h).p;
  const coarseMass = switchIndex < hiIndex ? model.above(switchIndex * h).p : top;
  // optimistic: mass below the grid is dropped, mass above it rounded down to its top point
  optimisticMasses[hiIndex - loIndex] += top;
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
