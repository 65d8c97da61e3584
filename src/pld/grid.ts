/**
 * Privacy loss distributions on a uniform grid, and the two ways atoms are put on a grid.
 *
 * A PLD here is the law of the privacy loss L = ln(P(o)/Q(o)) with o ~ P. Only P-masses are stored: the
 * Q-mass of an atom at loss l is its P-mass times e^(-l). delta(eps) = sum_l m_l (1 - e^(eps - l))_+ + m_inf.
 */
// bound once: global Math lookups are slow in hot loops under some module loaders (jest's vm)
const { ceil, exp, expm1, floor, max, min } = Math;

/**
 * Connect-the-dots share of an atom that goes to the lower grid point of its cell, for an atom at distance
 * u above it in a cell of width w: expm1(w - u) / expm1(w), written as e^-u (1 - e^-(w-u)) / (1 - e^-w) so
 * that wide cells (w > 709) do not overflow to NaN.
 */
export function lowerShare(u: number, w: number): number {
  if (u <= 0) return 1;
  if (u >= w) return 0;
  return min(1, max(0, (exp(-u) * -expm1(-(w - u))) / -expm1(-w)));
}

/** Index k of the grid cell [k h, (k + 1) h) that holds loss l. */
export function cellOf(l: number, h: number): number {
  const k = floor(l / h);
  // floor() can land one cell off through rounding of l / h
  return k * h > l ? k - 1 : k;
}

/** P-masses of the loss on the grid {(offset + i) * interval : i = 0 .. masses.length - 1}, plus mass at +inf. */
export interface GridPmf {
  readonly interval: number;
  /** integer: the loss of masses[0] is offset * interval */
  readonly offset: number;
  readonly masses: Float64Array;
  readonly infinityMass: number;
}

/** Atoms of a privacy loss distribution at arbitrary (finite) losses, plus mass at +inf. */
export interface LossAtoms {
  readonly losses: ArrayLike<number>;
  readonly masses: ArrayLike<number>;
  readonly infinityMass: number;
}

/**
 * Certified upper bound ("connect the dots", Doroshenko et al., PETS 2022): the P-mass m of an atom at loss
 * l in [g_i, g_{i+1}] is split between the two grid points so that both its P-mass and its Q-mass are kept:
 * a share expm1(g_{i+1} - l) / expm1(h) goes to g_i, the rest to g_{i+1}. Per atom, the new hockey-stick
 * curve (1 - x e^(-l))_+ in x = e^eps is replaced by its chord between the grid points, which lies above
 * it for every eps, so the new pair dominates the old one and stays dominating under composition.
 */
export function connectDotsToGrid(a: LossAtoms & { readonly interval: number }): GridPmf {
  return placeAtoms(a, true);
}

/**
 * Certified lower bound: each atom's loss is rounded down to the grid. The rounded loss is never larger,
 * so every delta(eps) (a nondecreasing function of the losses) can only fall, also after composition.
 */
export function roundDownToGrid(a: LossAtoms & { readonly interval: number }): GridPmf {
  return placeAtoms(a, false);
}

function placeAtoms(a: LossAtoms & { readonly interval: number }, connectDots: boolean): GridPmf {
  const h = a.interval;
  if (!(h > 0) || !Number.isFinite(h)) throw new RangeError(`grid interval must be > 0, got ${h}`);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.losses.length; i++) {
    if (!(a.masses[i] > 0)) continue;
    const l = a.losses[i];
    if (!Number.isFinite(l)) throw new RangeError(`atom losses must be finite, got ${l}`);
    lo = min(lo, l);
    hi = max(hi, l);
  }
  if (lo === Infinity) return { interval: h, offset: 0, masses: new Float64Array(1), infinityMass: a.infinityMass };
  const offset = floor(lo / h);
  const top = connectDots ? ceil(hi / h) : floor(hi / h);
  const masses = new Float64Array(top - offset + 1);
  for (let i = 0; i < a.losses.length; i++) {
    const m = a.masses[i];
    if (!(m > 0)) continue;
    const l = a.losses[i];
    const k = cellOf(l, h);
    const below = l - k * h;
    if (!connectDots || below === 0) {
      masses[k - offset] += m;
      continue;
    }
    const toLower = m * lowerShare(below, h);
    masses[k - offset] += toLower;
    masses[k + 1 - offset] += m - toLower;
  }
  return { interval: h, offset, masses, infinityMass: a.infinityMass };
}

/** Connect-the-dots of a grid PMF onto a coarser grid whose interval is `factor` times larger. */
export function coarsen(pmf: GridPmf, factor: number): GridPmf {
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`coarsening factor must be a positive integer`);
  if (factor === 1) return pmf;
  const h = pmf.interval;
  const H = h * factor;
  const first = floor(pmf.offset / factor);
  const last = floor((pmf.offset + pmf.masses.length - 1) / factor) + 1;
  const out = new Float64Array(last - first + 1);
  // weights depend only on the position j of the fine point inside its coarse cell
  const toLower = new Float64Array(factor);
  for (let j = 0; j < factor; j++) toLower[j] = lowerShare(j * h, H);
  for (let i = 0; i < pmf.masses.length; i++) {
    const m = pmf.masses[i];
    if (m === 0) continue;
    const g = pmf.offset + i;
    const k = floor(g / factor);
    const j = g - k * factor;
    const w = toLower[j];
    out[k - first] += m * w;
    if (w < 1) out[k + 1 - first] += m * (1 - w);
  }
  return { interval: H, offset: first, masses: out, infinityMass: pmf.infinityMass };
}
