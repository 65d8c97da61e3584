/**
 * Optimistic grid PMFs: certified LOWER bounds on delta(eps) whose error shrinks like h^2, as fast as
 * connect-the-dots' upper bounds (rounding every loss down to the grid costs h/2 per step instead).
 *
 * A grid PMF stands for the pair (P, Q) with Q-mass m e^(-l) at each atom. Call a pair optimistic for the
 * true pair (P0, Q0) when it arises from it by (a) a Markov kernel applied to both (post-processing),
 * (b) removing P-mass, (c) adding Q-mass. Each can only lower the hockey-stick divergence
 * H_x = sup_S P(S) - x Q(S) for every x, and the class is closed under products and further steps of the
 * same kinds, so delta(eps) of the composed optimistic PMF is at most the true composed delta(eps).
 *
 * Construction per rounding: merge the atoms of each grid cell [g_k, g_(k+1)) into one (a), at loss
 * lambda_k inside the cell. Then, from the top, merge the upper part of cell k - 1 (loss below g_k: it
 * needs A = M (e^(g_k - lambda) - 1) per unit share of "excess") with the lower part of cell k (loss
 * above g_k: it offers B = M (1 - e^(g_k - lambda))) so that the group's merged loss is g_k or above (a);
 * what stays above is rounded down to g_k (c). Only neighbouring cells mix, so the hockey-stick curve
 * changes only near each grid point and by O(h^2) for smooth losses. Cells whose upper part finds no
 * partner (the top cell) are rounded down whole.
 */
import { cellOf, type GridPmf, type LossAtoms } from './grid.js';

// bound once: global Math lookups are slow in hot loops under some module loaders (jest's vm)
const { ceil, exp, expm1, floor, log1p, max, min, round } = Math;

/**
 * The merge above. Cell k lies between grid points k and k + 1 (k = 0 .. n - 1) and holds P-mass mass[k],
 * excess[k] = B over point k and deficit[k] = A below point k + 1 (totals over the cell). Each cell sends a
 * share up_k of its mass to point k + 1 and the rest to point k, subject to
 *   up_(k-1) A_(k-1) <= (1 - up_k) B_k          (the group at point k is not below it);
 * the excess left over is rounded down, and it totals sum B - sum up_k (A_k + B_k). Making every
 * constraint tight is the ideal; the recurrence that does so is stable from the top where the density
 * falls (A > B) and from the bottom where it rises, so cells below a junction point j are filled greedily
 * from the bottom, cells above it greedily from the top, and the j that rounds down least is kept (for a
 * unimodal loss it sits near the mode). Returns the P-mass at each of the n + 1 points.
 */
export function mergeCellsToPoints(mass: Float64Array, excess: Float64Array, deficit: Float64Array, uniformCells = 0): Float64Array {
  const n = mass.length;
  const out = new Float64Array(n + 1);
  if (n === 0) return out;
  const share = (pay: number, need: number, cap: number) => (need > 0 ? min(cap, max(0, pay / need)) : cap);
  // from the bottom: left[k] = share of cell k still free to go up after cell k - 1's claim on its excess
  const left = new Float64Array(n);
  const fromBottom = new Float64Array(n);
  let claimed = 0;
  for (let k = 0; k < n; k++) {
    const b = excess[k];
    left[k] = b > 0 ? max(0, 1 - claimed / b) : claimed > 0 ? 0 : 1;
    fromBottom[k] = k + 1 < n ? share(excess[k + 1], deficit[k], left[k]) : 0;
    claimed = fromBottom[k] * deficit[k];
  }
  // from the top: available[k] = excess of cell k's lower part
  const fromTop = new Float64Array(n);
  const available = new Float64Array(n + 1);
  for (let k = n - 1; k >= 0; k--) {
    available[k] = (1 - fromTop[k]) * excess[k];
    if (k > 0) fromTop[k - 1] = share(available[k], deficit[k - 1], 1);
  }
  // value of a junction at point j: bottom shares below cell j - 1, top shares from cell j up
  const weight = (k: number) => deficit[k] + excess[k];
  let suffix = 0;
  for (let k = 0; k < n; k++) suffix += fromTop[k] * weight(k);
  let prefix = 0;
  let best = suffix; // j = 0: all from the top
  let bestJ = 0;
  for (let j = 1; j <= n; j++) {
    suffix -= fromTop[j - 1] * weight(j - 1);
    const junction = share(available[j], deficit[j - 1], left[j - 1]);
    const value = prefix + junction * weight(j - 1) + suffix;
    if (value > best) {
      best = value;
      bestJ = j;
    }
    prefix += fromBottom[j - 1] * weight(j - 1);
  }
  const up = new Float64Array(n);
  for (let k = 0; k < n; k++)
    up[k] = k < bestJ - 1 ? fromBottom[k] : k === bestJ - 1 ? share(available[bestJ], deficit[k], left[k]) : fromTop[k];
  const skip = new Float64Array(n);
  const bridges = bridgeSurplus(mass, excess, deficit, up, skip, min(n, uniformCells));
  for (let k = 0; k < n; k++) {
    out[k] += (1 - up[k]) * mass[k];
    out[k + 1] += (up[k] - skip[k]) * mass[k];
  }
  for (const b of bridges) out[b.point] += b.share * mass[b.cell];
  return out;
}

/** Relative margin by which bridges (below) leave each group they touch on the safe side of its point. */
const BRIDGE_MARGIN = 1e-5;
/** Cells j + 2 .. j + 1 + BRIDGE_REACH may pay at point j + 1 (a steeper edge needs more of them). */
const BRIDGE_REACH = 4;

/** Mass of cell c sent from its upper share down to point `point` (< c). */
interface Bridge {
  readonly cell: number;
  readonly point: number;
  readonly share: number;
}

/**
 * Excess left at a grid point where neighbouring cells cannot balance it: with only neighbours mixing this
 * is optimal (a chain LP), but next to a hard edge of the loss (log(1 - q) of a subsampled step, where the
 * density jumps up within a cell or two) the lowest groups hold excess that nothing below can pay, and it
 * is rounded down on every step (q = 1e-4, sigma 0.8 at h = q/16: 2.3e-8 per step, 0.023 in eps after 10^6
 * steps). A bridge moves it up the grid: cell j sends a further share up to point j + 1 (consuming the
 * excess at j), and cells above pay for it at point j + 1 with part of their upper shares sent further down
 * (cell j + 2 brings about (h + u) of excess per unit of mass instead of u, cell j + 3 about (2h + u)); the
 * points those shares no longer reach keep the deficit they would have brought, a smaller surplus that the
 * sweep bridges in turn. The chain LP with cells reaching three points instead of one has no leftover at
 * all on such edges. Only cells of equal width take part (the first `uniform`), every group touched keeps
 * BRIDGE_MARGIN of its excess and is checked. Returns the bridges; `up` and `skip` (the share of each
 * cell's mass taken from its upper share) are updated.
 */
function bridgeSurplus(
  mass: Float64Array,
  excess: Float64Array,
  deficit: Float64Array,
  up: Float64Array,
  skip: Float64Array,
  uniform: number,
): Bridge[] {
  const bridges: Bridge[] = [];
  if (uniform < 3) return bridges;
  // leftover at each point j <= uniform: lower share of cell j minus the upper share of cell j - 1
  const left = new Float64Array(uniform + 1);
  for (let j = 0; j < uniform; j++) left[j] = (1 - up[j]) * excess[j] - (j > 0 ? up[j - 1] * deficit[j - 1] : 0);
  // excess brought to each point by bridges (shaded by BRIDGE_MARGIN)
  const incoming = new Float64Array(uniform + 1);
  const before = Float64Array.from(up);
  const touched = new Uint8Array(uniform + 1);
  for (let j = 0; j + 2 < uniform; j++) {
    if (!(left[j] > 0 && excess[j] > 0 && deficit[j] > 0)) continue;
    const point = j + 1;
    const wanted = min(1 - up[j], ((1 - BRIDGE_MARGIN) * left[j]) / excess[j]) * deficit[j];
    let paid = 0;
    for (let c = j + 2; c < min(uniform, point + 1 + BRIDGE_REACH) && paid < wanted; c++) {
      if (!(mass[c] > 0)) continue;
      // per unit of cell c's mass: excess at `point`, 1 - e^(g_point - lambda_c), from e^-u and e^-h of the cell
      const logBelow = log1p(-excess[c] / mass[c]);
      const perUnit = -expm1((c - point) * (logBelow - log1p(deficit[c] / mass[c])) + logBelow) * (1 - BRIDGE_MARGIN);
      const movable = (up[c] - skip[c]) * mass[c];
      if (!(perUnit > 0 && movable > 0)) continue;
      const take = min(movable, (wanted - paid) / perUnit);
      skip[c] += take / mass[c];
      bridges.push({ cell: c, point, share: take / mass[c] });
      paid += take * perUnit;
      incoming[point] += take * perUnit;
      left[c + 1] += take * (deficit[c] / mass[c]) * (1 - BRIDGE_MARGIN);
      touched[c + 1] = 1;
    }
    const delta = paid / deficit[j];
    up[j] += delta;
    left[j] -= delta * excess[j];
    touched[j] = touched[point] = 1;
  }
  // every group touched must still lie at or above its point (float64 care): otherwise no bridges at all
  for (let j = 0; j < uniform; j++) {
    if (!touched[j]) continue;
    const upper = j > 0 ? up[j - 1] * deficit[j - 1] : 0;
    const gross = (1 - up[j]) * excess[j] + upper + incoming[j];
    const net = (1 - up[j]) * excess[j] - (j > 0 ? (up[j - 1] - skip[j - 1]) * deficit[j - 1] : 0) + incoming[j];
    if (net < -1e-12 * gross) {
      up.set(before);
      skip.fill(0);
      return [];
    }
  }
  return bridges;
}

/**
 * Float64 error in the excess and deficit of a cell must never flip a group below its grid point, so both
 * are shaded by this relative margin in the safe direction (excess down, deficit up).
 */
const SAFETY = 1e-9;

/** Optimistic placement of atoms at arbitrary losses onto the grid of interval h. */
export function optimisticAtomsToGrid(a: LossAtoms & { readonly interval: number }): GridPmf {
  const h = a.interval;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.losses.length; i++) {
    if (!(a.masses[i] > 0)) continue;
    lo = min(lo, a.losses[i]);
    hi = max(hi, a.losses[i]);
  }
  if (lo === Infinity) return { interval: h, offset: 0, masses: new Float64Array(1), infinityMass: a.infinityMass };
  const offset = floor(lo / h);
  const cells = floor(hi / h) - offset + 1;
  const mass = new Float64Array(cells);
  const excess = new Float64Array(cells);
  const deficit = new Float64Array(cells);
  for (let i = 0; i < a.losses.length; i++) {
    const m = a.masses[i];
    if (!(m > 0)) continue;
    const l = a.losses[i];
    const k = cellOf(l, h);
    const u = min(h, max(0, l - k * h));
    mass[k - offset] += m;
    excess[k - offset] += m * -expm1(-u) * (1 - SAFETY);
    deficit[k - offset] += m * expm1(h - u) * (1 + SAFETY);
  }
  return { interval: h, offset, masses: mergeCellsToPoints(mass, excess, deficit), infinityMass: a.infinityMass };
}

/**
 * Optimistic placement of a grid PMF onto a grid `factor` times coarser, by groups of fine atoms rather than
 * merged cells. Merging each coarse cell first (mergeCellsToPoints) leaves one atom per cell, and making
 * every group tight then needs shares far from 1/2 wherever the density slopes (up = 1 / (1 + r) for
 * neighbouring cells of mass ratio r): both tails are drawn toward the mode, which loses about H^2 / 2 of
 * variance per rounding (a block of 68 steps at q = 1e-4, sigma 0.8, H = 16 h: -H^2/3 net, where
 * connect-the-dots adds +H^2/6), and the lower bound after 10^6 steps was 7x further from the truth than
 * the upper one. Here each coarse point K gathers the fine atoms about [K - 1/2, K + 1/2) (in coarse
 * units), the boundary atom split so that the group's merged loss is exactly K H: a Markov kernel on the
 * outputs, then nothing (or a rounding down) to add. Such a group is off the nearest-point rounding only by
 * the O(H^2) shift that tightness needs, so the variance changes by about -H^2/12 and the mean by about
 * -H^2/24: half the pessimistic twin's error, with the opposite sign.
 *
 * Groups are filled from the bottom below a junction point J and from the top above it (each sweep keeps
 * its boundaries near the cell middles where the density rises, resp. falls, toward it), and the two open
 * groups at J become one, valid when its excess covers its deficit; J is the valid junction that loses the
 * least mean loss. Returns null when no junction is valid (the caller merges cells instead).
 */
function groupToCoarseGrid(pmf: GridPmf, factor: number): GridPmf | null {
  const { masses, offset, interval: h } = pmf;
  const positions = new Float64Array(masses.length);
  for (let i = 0; i < masses.length; i++) positions[i] = (offset + i) / factor;
  const grouped = groupAtoms(positions, masses, h * factor);
  return grouped && { interval: h * factor, offset: grouped.offset, masses: grouped.masses, infinityMass: pmf.infinityMass };
}

/**
 * The grouping above for atoms at any losses: `positions` (ascending, in units of the grid interval H) and
 * their P-masses. Returns the P-mass at grid points offset, offset + 1, ..., or null when no junction is
 * valid.
 */
export function groupAtoms(positions: Float64Array, masses: ArrayLike<number>, H: number): { offset: number; masses: Float64Array } | null {
  const n = masses.length;
  let lowest = 0;
  while (lowest < n && !(masses[lowest] > 0)) lowest++;
  let highest = n - 1;
  while (highest >= 0 && !(masses[highest] > 0)) highest--;
  if (lowest > highest) return null;
  const first = floor(positions[lowest]);
  const last = floor(positions[highest]) + 1;
  const points = last - first + 1;
  // excess over the point (d > 0) and deficit below it (d < 0), per unit of P-mass, d in grid units
  const excessPer = (d: number) => -expm1(-d * H);
  const deficitPer = (d: number) => expm1(-d * H);

  // from the bottom: the group for point K starts at the first atom not yet placed, K = ceil(position);
  // open[K - first] records the open group's P-mass and deficit when every atom at or below K is placed
  const fromBottom = new Float64Array(points);
  const openMassB = new Float64Array(points).fill(NaN);
  const openDeficitB = new Float64Array(points);
  {
    let target = ceil(positions[lowest]);
    let mass = 0;
    let deficit = 0;
    let excess = 0;
    let rest = masses[lowest];
    let i = lowest;
    let recorded = target - 1;
    while (i <= highest) {
      const x = positions[i];
      // every atom at or below the points up to x (exclusive) has been placed: record the open group
      for (let k = recorded + 1; k < x; k++) {
        if (k === target) {
          openMassB[k - first] = mass;
          openDeficitB[k - first] = deficit;
        }
        recorded = k;
      }
      if (!(rest > 0)) {
        rest = ++i <= highest ? masses[i] : 0;
        continue;
      }
      const d = x - target;
      if (d <= 0) {
        mass += rest;
        deficit += rest * deficitPer(d);
        rest = ++i <= highest ? masses[i] : 0;
        continue;
      }
      const per = excessPer(d) * (1 - SAFETY);
      const need = deficit * (1 + SAFETY) - excess * (1 - SAFETY);
      const take = need <= 0 ? 0 : need / per;
      if (take >= rest) {
        mass += rest;
        excess += rest * excessPer(d);
        rest = ++i <= highest ? masses[i] : 0;
        continue;
      }
      // the group is tight with `take` of this atom: place it, the rest of the atom opens the next group
      fromBottom[target - first] += mass + take;
      rest -= take;
      target = ceil(x);
      mass = deficit = excess = 0;
    }
    // all atoms placed: the open group is recorded at the points above them (no atom above those)
    for (let k = recorded + 1; k <= last; k++) {
      if (k === target) {
        openMassB[k - first] = mass;
        openDeficitB[k - first] = deficit;
      }
    }
  }
  // from the top, mirrored: the group for point K = floor(position) takes atoms above K, then atoms at or
  // below K while its excess covers their deficit; open[K] when every atom above K is placed
  const fromTop = new Float64Array(points);
  const openMassT = new Float64Array(points).fill(NaN);
  const openExcessT = new Float64Array(points);
  const openDeficitT = new Float64Array(points);
  {
    let target = floor(positions[highest]);
    let mass = 0;
    let deficit = 0;
    let excess = 0;
    let rest = masses[highest];
    let i = highest;
    let recorded = target + 1;
    while (i >= lowest) {
      const x = positions[i];
      for (let k = recorded - 1; k >= x; k--) {
        if (k === target) {
          openMassT[k - first] = mass;
          openExcessT[k - first] = excess;
          openDeficitT[k - first] = deficit;
        }
        recorded = k;
      }
      if (!(rest > 0)) {
        rest = --i >= lowest ? masses[i] : 0;
        continue;
      }
      const d = x - target;
      if (d > 0) {
        mass += rest;
        excess += rest * excessPer(d);
        rest = --i >= lowest ? masses[i] : 0;
        continue;
      }
      // an atom exactly at the point needs nothing: it joins at once
      const per = deficitPer(d) * (1 + SAFETY);
      const room = excess * (1 - SAFETY) - deficit * (1 + SAFETY);
      const take = per === 0 ? rest : room <= 0 ? 0 : room / per;
      if (take >= rest) {
        mass += rest;
        deficit += rest * deficitPer(d);
        rest = --i >= lowest ? masses[i] : 0;
        continue;
      }
      fromTop[target - first] += mass + take;
      rest -= take;
      target = floor(x);
      mass = deficit = excess = 0;
    }
    for (let k = recorded - 1; k >= first; k--) {
      if (k === target) {
        openMassT[k - first] = mass;
        openExcessT[k - first] = excess;
        openDeficitT[k - first] = deficit;
      }
    }
  }
  // the junction: the open groups at J from both sides as one group, valid when excess covers deficit.
  // Every placement keeps the P-mass, so the one that places it highest (sum of P-mass times point) loses
  // the least mean loss, which is what both a group's spread and a rounding down cost (Jensen: a tight
  // group's point lies below its mean loss by about half its variance). Next to a hard edge of the loss
  // (the mode at the edge) the sweep from the bottom must cross the mode, or the mass just above the edge
  // would have nothing below it to balance its excess. (Points counted from the mode's: small sums.)
  let mode = lowest;
  for (let i = lowest; i <= highest; i++) if (masses[i] > masses[mode]) mode = i;
  const modePoint = round(positions[mode]) - first;
  const below = new Float64Array(points + 1);
  for (let k = 0; k < points; k++) below[k + 1] = below[k] + fromBottom[k] * (k - modePoint);
  const above = new Float64Array(points + 1);
  for (let k = points - 1; k >= 0; k--) above[k] = above[k + 1] + fromTop[k] * (k - modePoint);
  let junction = -1;
  let best = -Infinity;
  for (let j = 0; j < points; j++) {
    if (Number.isNaN(openMassB[j]) || Number.isNaN(openMassT[j])) continue;
    if (!(openExcessT[j] * (1 - SAFETY) >= (openDeficitB[j] + openDeficitT[j]) * (1 + SAFETY))) continue;
    const placed = below[j] + above[j + 1] + (openMassB[j] + openMassT[j]) * (j - modePoint);
    if (placed > best) {
      best = placed;
      junction = j;
    }
  }
  if (junction < 0) return null;
  const out = new Float64Array(points);
  for (let k = 0; k < junction; k++) out[k] = fromBottom[k];
  out[junction] = openMassB[junction] + openMassT[junction];
  for (let k = junction + 1; k < points; k++) out[k] = fromTop[k];
  return { offset: first, masses: out };
}

/** Optimistic placement of a grid PMF onto a grid `factor` times coarser. */
export function coarsenOptimistic(pmf: GridPmf, factor: number): GridPmf {
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError('coarsening factor must be a positive integer');
  if (factor === 1) return pmf;
  return groupToCoarseGrid(pmf, factor) ?? mergeCellsToCoarseGrid(pmf, factor);
}

/** Optimistic placement onto a grid `factor` times coarser by merged cells (mergeCellsToPoints). */
function mergeCellsToCoarseGrid(pmf: GridPmf, factor: number): GridPmf {
  const h = pmf.interval;
  const H = h * factor;
  const first = floor(pmf.offset / factor);
  const last = floor((pmf.offset + pmf.masses.length - 1) / factor);
  const cells = last - first + 1;
  const mass = new Float64Array(cells);
  const excess = new Float64Array(cells);
  const deficit = new Float64Array(cells);
  const up = new Float64Array(factor);
  const down = new Float64Array(factor);
  for (let j = 0; j < factor; j++) {
    down[j] = -expm1(-j * h) * (1 - SAFETY);
    up[j] = expm1(H - j * h) * (1 + SAFETY);
  }
  for (let i = 0; i < pmf.masses.length; i++) {
    const m = pmf.masses[i];
    if (m === 0) continue;
    const g = pmf.offset + i;
    const k = floor(g / factor);
    const j = g - k * factor;
    mass[k - first] += m;
    excess[k - first] += m * down[j];
    deficit[k - first] += m * up[j];
  }
  return { interval: H, offset: first, masses: mergeCellsToPoints(mass, excess, deficit), infinityMass: pmf.infinityMass };
}

/** Q-mass of a grid PMF's finite part, sum m e^(-l) (above 1 when Q-mass was added). */
export function qMass(pmf: GridPmf): number {
  let s = 0;
  for (let i = 0; i < pmf.masses.length; i++) if (pmf.masses[i] > 0) s += pmf.masses[i] * exp(-(pmf.offset + i) * pmf.interval);
  return s;
}
