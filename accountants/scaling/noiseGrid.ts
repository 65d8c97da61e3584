/**
 * The noise multiplier on a grid of (sampling rate q, steps T), for searches that need sigma at thousands of
 * configurations (`scaling optimize`, `saturate`). Each node is a full one-sided calibration; between nodes
 * ln sigma is interpolated bilinearly in (ln q, ln T), where it is smooth (sigma ~ q sqrt(T) / eps once sigma is
 * well above 1). Figures a command prints are never taken from here: reported configurations are recalibrated
 * exactly (accountants/scaling/noise.ts).
 */
import { AccountingError } from '../../src/errors.js';
import { calibrateNoise, type AccountingChoice } from './noise.js';

export interface NoiseGrid {
  readonly rates: readonly number[];
  readonly steps: readonly number[];
  /** the accountant that calibrated the nodes */
  readonly accountant: string;
  readonly calibrations: number;
  /** interpolated sigma at (q, T) inside the grid */
  sigma(rate: number, steps: number): number;
}

/** n log-spaced values from lo to hi (both included; one value when lo == hi). */
export function logSpace(lo: number, hi: number, n: number): number[] {
  if (n <= 1 || lo === hi) return [lo];
  const a = Math.log(lo);
  const b = Math.log(hi);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? hi : Math.exp(a + ((b - a) * i) / (n - 1))));
}

function bracket(xs: readonly number[], x: number): [number, number] {
  if (xs.length === 1) return [0, 0];
  let i = 0;
  while (i < xs.length - 2 && x > xs[i + 1]) i++;
  const w = (Math.log(x) - Math.log(xs[i])) / (Math.log(xs[i + 1]) - Math.log(xs[i]));
  return [i, w];
}

export interface NoiseGridQuestion extends AccountingChoice {
  readonly epsilon: number;
  readonly delta: number;
  readonly units: number;
  readonly rateRange: readonly [number, number];
  readonly stepsRange: readonly [number, number];
  /** nodes along q and T */
  readonly rateNodes?: number;
  readonly stepNodes?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Calibrates sigma on the grid. The nodes use the requested sampler; for Poisson sampling they use the RDP
 * accountant (a certified upper bound, milliseconds per calibration, where PLD takes seconds), so the search
 * ranks by a slightly pessimistic sigma and the reported configurations are recalibrated with the accountant asked
 * for. Deterministic batches are a closed form and keep their own accountant.
 */
export async function buildNoiseGrid(o: NoiseGridQuestion): Promise<NoiseGrid> {
  // nodes at whole batches (q = B / N exactly), so a node's calibration is the configuration's own
  const batches = logSpace(o.rateRange[0] * o.units, o.rateRange[1] * o.units, o.rateNodes ?? 14).map((b, i, all) =>
    Math.max(1, Math.min(o.units, i === 0 ? Math.floor(b) : i === all.length - 1 ? Math.ceil(b) : Math.round(b))),
  );
  const rates = [...new Set(batches)].map((b) => b / o.units);
  const steps = logSpace(o.stepsRange[0], o.stepsRange[1], o.stepNodes ?? 10).map((t, i, all) =>
    i === 0 ? Math.floor(t) : i === all.length - 1 ? Math.ceil(t) : Math.round(t),
  );
  const sampler = o.sampler ?? 'poisson';
  if (sampler !== 'poisson' && sampler !== 'deterministic')
    throw new AccountingError(`searches support the poisson and deterministic samplers, not ${sampler}`);
  const accountant = sampler === 'poisson' ? 'rdp' : 'deterministic (closed form)';
  const logSigma = new Float64Array(rates.length * steps.length);
  const total = logSigma.length;
  let done = 0;
  for (let i = 0; i < rates.length; i++)
    for (let j = 0; j < steps.length; j++) {
      const batchSize = Math.round(rates[i] * o.units);
      const found = await calibrateNoise({
        epsilon: o.epsilon,
        delta: o.delta,
        units: o.units,
        batchSize,
        steps: steps[j],
        sampler,
        accountant: sampler === 'poisson' ? 'rdp' : o.accountant,
      });
      logSigma[i * steps.length + j] = Math.log(found.noiseMultiplier);
      o.onProgress?.(++done, total);
    }
  return {
    rates,
    steps,
    accountant,
    calibrations: total,
    sigma(rate, t) {
      const [i, wi] = bracket(rates, rate);
      const [j, wj] = bracket(steps, t);
      if (!(wi >= -1e-9 && wi <= 1 + 1e-9 && wj >= -1e-9 && wj <= 1 + 1e-9) && rates.length > 1 && steps.length > 1)
        throw new AccountingError(`(q = ${rate}, T = ${t}) is outside the calibration grid`);
      const at = (a: number, b: number) => logSigma[Math.min(a, rates.length - 1) * steps.length + Math.min(b, steps.length - 1)];
      const v = (1 - wi) * ((1 - wj) * at(i, j) + wj * at(i, j + 1)) + wi * ((1 - wj) * at(i + 1, j) + wj * at(i + 1, j + 1));
      return Math.exp(v);
    },
  };
}
