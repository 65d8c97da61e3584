/**
 * A Monte Carlo job: one estimator, one direction, one list of eps, N samples cut into fixed-size batches. A job
 * is plain data (it crosses to worker threads by structured clone); `jobRunner` turns it into a function from
 * batch index to that batch's totals, the same function in a worker and in-process.
 */
import { HockeyStickAccumulator, type BatchTotals } from './accumulator.js';
import { importanceRegionMass, importanceSampler } from './importanceSampling.js';
import { orderStatisticsSampler } from './orderStatistics.js';
import { Xoshiro128 } from '../../src/numeric/rng.js';

export interface JobSpec {
  readonly method: 'importance' | 'order-statistics';
  readonly direction: 'remove' | 'add';
  readonly noiseMultiplier: number;
  readonly steps: number;
  readonly epochs: number;
  /** importance: the eps whose region is sampled (<= every eps of the job) */
  readonly thresholdEpsilon?: number;
  /** order statistics: the ranks */
  readonly ranks?: readonly number[];
  /** ascending */
  readonly epsilons: readonly number[];
  readonly samples: number;
  readonly batchSize: number;
  readonly seed: number;
  /** 64-bit stream key as a decimal string (bigint does not cross postMessage in every Node version) */
  readonly streamKey: string;
}

/** Coordinate draws per sample (the unit of work): T for importance sampling, E (R + 1) for order statistics. */
export function jobCost(job: Pick<JobSpec, 'method' | 'steps' | 'epochs' | 'ranks'>): number {
  return job.method === 'importance' ? job.steps : job.epochs * ((job.ranks?.length ?? 0) + 1);
}

/**
 * Samples per batch: a power of two near 2^20 / (draws per sample), within [16, 65536]. It depends on the
 * problem only (never on the number of workers), because it is part of the definition of the random streams.
 */
export function batchSizeFor(job: Pick<JobSpec, 'method' | 'steps' | 'epochs' | 'ranks'>): number {
  const exponent = Math.round(Math.log2(2 ** 20 / jobCost(job)));
  return 2 ** Math.min(16, Math.max(4, exponent));
}

/** Number of batches of a job. */
export function batchCount(job: JobSpec): number {
  return Math.ceil(job.samples / job.batchSize);
}

/** Samples in batch i (the last batch may be short). */
export function batchSamples(job: JobSpec, batchIndex: number): number {
  return Math.min(job.batchSize, job.samples - batchIndex * job.batchSize);
}

/**
 * Factor multiplying the [0, 1] average: the importance region's probability, or 1. When it is 0 (the region's
 * probability underflows) nothing needs to be sampled: delta is 0 to within that probability.
 */
export function jobScale(job: JobSpec): number {
  if (job.method !== 'importance') return 1;
  return importanceRegionMass({
    direction: job.direction,
    noiseMultiplier: job.noiseMultiplier,
    steps: job.steps,
    thresholdEpsilon: job.thresholdEpsilon ?? 0,
  });
}

/** batchIndex -> that batch's totals; deterministic in (job, batchIndex). */
export function jobRunner(job: JobSpec): (batchIndex: number) => BatchTotals {
  const epsilons = Float64Array.from(job.epsilons);
  const streamKey = BigInt(job.streamKey);
  const scale = jobScale(job);
  const sample =
    job.method === 'importance'
      ? importanceSampler({
          direction: job.direction,
          noiseMultiplier: job.noiseMultiplier,
          steps: job.steps,
          thresholdEpsilon: job.thresholdEpsilon ?? 0,
        })
      : orderStatisticsSampler({
          direction: job.direction,
          noiseMultiplier: job.noiseMultiplier,
          steps: job.steps,
          epochs: job.epochs,
          ranks: job.ranks ?? [],
        });
  return (batchIndex: number): BatchTotals => {
    const count = batchSamples(job, batchIndex);
    const acc = new HockeyStickAccumulator(epsilons);
    if (scale > 0) {
      sample(Xoshiro128.forBatch(job.seed, streamKey, batchIndex), count, acc);
    } else {
      for (let i = 0; i < count; i++) acc.add(-Infinity);
    }
    return acc.totals();
  };
}
