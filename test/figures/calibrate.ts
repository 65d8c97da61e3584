/**
 * PLD calibrations for the heavy reference tier (see test/helpers/plainNode.ts): each job searches one
 * parameter of a Poisson-sampled Gaussian (DP-SGD) plan for a target epsilon with src/calibrate.ts, exactly
 * as the test would, and also reports epsilon at a few parameter values derived from the one found.
 */
import { calibrateDecreasing, calibrateIncreasing, type Calibration } from '../../src/calibrate.js';
import { pldEpsilon } from '../../accountants/pld.js';
import { serve } from './serve.js';

type Parameter = 'noiseMultiplier' | 'steps' | 'poissonRate';

export interface CalibrateJob {
  /** the parameter searched; `fixed` gives the other two */
  readonly find: Parameter;
  readonly fixed: Partial<Record<Parameter, number>>;
  readonly delta: number;
  readonly target: number;
  readonly lo: number;
  readonly hi: number;
  readonly max?: number;
  /** parameter values at which to report epsilon too: found value * scale + shift */
  readonly probes?: { scale: number; shift: number }[];
}

export interface CalibrateAnswer {
  readonly found: Calibration;
  /** epsilon (PLD upper bound) at each probe */
  readonly probes: number[];
}

await serve<CalibrateJob, CalibrateAnswer>((job) => {
  const epsilon = (x: number): number => {
    const p = { ...job.fixed, [job.find]: x } as Record<Parameter, number>;
    const stages = [
      { mechanism: { kind: 'gaussian' as const, noiseMultiplier: p.noiseMultiplier }, poissonRate: p.poissonRate, steps: p.steps },
    ];
    // the reference calibrates on dp_accounting's 1e-4 grid: the same fixed grid here (the default precision
    // target would refine every evaluation for a lower bound the search does not use)
    return pldEpsilon(stages, job.delta, { discretization: 1e-4 }).upper;
  };
  const common = { figure: epsilon, target: job.target, lo: job.lo, hi: job.hi, max: job.max };
  // epsilon falls as the noise grows and rises with the steps and the sampling rate
  const found =
    job.find === 'noiseMultiplier'
      ? calibrateDecreasing({ ...common, name: 'noise multiplier' })
      : calibrateIncreasing({ ...common, integer: job.find === 'steps', name: job.find === 'steps' ? 'steps' : 'sampling rate' });
  return { found, probes: (job.probes ?? []).map(({ scale, shift }) => epsilon(found.value * scale + shift)) };
});
