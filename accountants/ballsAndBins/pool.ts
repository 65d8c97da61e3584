/**
 * Runs Monte Carlo jobs batch by batch, in-process or on worker threads, and combines each job's batches in batch
 * order, so the totals are bit-identical whatever the number of workers (each batch's numbers depend only on the
 * job and the batch index; see rng.ts). Memory stays bounded: a batch's totals are a few numbers per eps, and at
 * most a small window of finished batches waits for an earlier one.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BatchTotals } from './accumulator.js';
import { batchCount, jobCost, jobRunner, type JobSpec } from './jobs.js';
import type { TaskMessage, WorkerReply } from './worker.js';

export interface RunOptions {
  /**
   * Worker threads. 0 = run in this thread (what tests under ts-jest use; the numbers are the same). Default:
   * os.availableParallelism(), except that small runs (under about a second of work) stay in this thread.
   * Workers need the compiled build (worker.js next to this file); from TypeScript sources the run stays in-process.
   */
  readonly workers?: number;
  /** called after each merged batch with samples done and samples in total (over all jobs) */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Date.now() after which no further batch is merged (a time limit): the run ends with the batches merged so
   * far, at least one per job. Batches are merged round-robin over the jobs, so every job has about the same
   * share, and stopping depends on the clock only, never on the samples (the confidence bounds stay valid).
   */
  readonly deadline?: number;
}

/** How the run was executed (for reports). */
export interface RunInfo {
  readonly workers: number;
  readonly batches: number;
  /** true when the deadline ended the run before every batch was merged */
  readonly stopped?: boolean;
}

/** Below this many coordinate draws in total a run stays in-process by default (thread start-up would dominate). */
const SMALL_RUN_DRAWS = 5e6;

interface Task {
  readonly job: number;
  readonly batch: number;
}

/**
 * All (job, batch) pairs, round-robin over the jobs (batch 0 of every job, then batch 1, ...; a job whose
 * batches run out drops out), computed on demand (memory independent of N). Each job's batches keep their
 * order, so its totals are the same sums as in any other schedule.
 */
interface TaskList {
  readonly length: number;
  at(index: number): Task;
}

function taskList(jobs: readonly JobSpec[]): TaskList {
  const counts = jobs.map(batchCount);
  const levels = [...new Set(counts)].sort((a, b) => a - b);
  // segment: batches [from, to) of the jobs with at least `to` batches, starting at task `start`
  const segments: { from: number; to: number; active: number[]; start: number }[] = [];
  let start = 0;
  let from = 0;
  for (const to of levels) {
    if (to === from) continue;
    const active = counts.flatMap((c, j) => (c >= to ? [j] : []));
    segments.push({ from, to, active, start });
    start += (to - from) * active.length;
    from = to;
  }
  return {
    length: start,
    at(index: number): Task {
      let k = 0;
      while (k + 1 < segments.length && segments[k + 1].start <= index) k++;
      const seg = segments[k];
      const offset = index - seg.start;
      return { job: seg.active[offset % seg.active.length], batch: seg.from + Math.floor(offset / seg.active.length) };
    },
  };
}

/** Runs every batch of every job; returns per-job totals (summed in batch order). */
export async function runJobs(
  jobs: readonly JobSpec[],
  options: RunOptions = {},
): Promise<{ readonly totals: readonly BatchTotals[]; readonly info: RunInfo }> {
  const tasks = taskList(jobs);
  const totals = jobs.map((job) => mutableTotals(job.epsilons.length));
  const totalSamples = jobs.reduce((s, job) => s + job.samples, 0);
  const draws = jobs.reduce((s, job) => s + job.samples * jobCost(job), 0);
  const workerFile = new URL('./worker.js', import.meta.url);
  const requested = options.workers ?? (draws < SMALL_RUN_DRAWS ? 0 : availableParallelism());
  const workers = Math.min(requested, tasks.length);
  const useWorkers = workers > 0 && workerFile.protocol === 'file:' && existsSync(fileURLToPath(workerFile));

  let done = 0;
  let merged = 0;
  const merge = (task: Task, batch: BatchTotals) => {
    addInto(totals[task.job], batch);
    done += batch.samples;
    merged++;
    options.onProgress?.(done, totalSamples);
  };
  // past the deadline, once every job has a batch (the first round-robin round)
  const expired = () => options.deadline !== undefined && merged >= jobs.length && Date.now() > options.deadline;

  if (!useWorkers) {
    const runners = jobs.map((job) => jobRunner(job));
    for (let index = 0; index < tasks.length && !expired(); index++) {
      const task = tasks.at(index);
      merge(task, runners[task.job](task.batch));
      await new Promise<void>((resolve) => setImmediate(resolve)); // let the caller's timers (progress) run
    }
    return { totals: totals.map(freeze), info: { workers: 0, batches: merged, ...(merged < tasks.length ? { stopped: true } : {}) } };
  }

  await runOnWorkers(jobs, tasks, workers, workerFile, merge, expired);
  return { totals: totals.map(freeze), info: { workers, batches: merged, ...(merged < tasks.length ? { stopped: true } : {}) } };
}

function runOnWorkers(
  jobs: readonly JobSpec[],
  tasks: TaskList,
  count: number,
  workerFile: URL,
  merge: (task: Task, batch: BatchTotals) => void,
  expired: () => boolean,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const window = 4 * count; // dispatched but not yet merged, at most
    const inFlightPerWorker = 2;
    const pending = new Map<number, BatchTotals>();
    let nextTask = 0;
    let nextMerge = 0;
    let settled = false;
    // workers inherit the parent's Node flags; --input-type (valid only for -e / stdin scripts) would stop them
    const execArgv = process.execArgv.filter((flag) => !flag.startsWith('--input-type'));
    const pool = Array.from({ length: count }, () => ({ worker: new Worker(workerFile, { workerData: { jobs }, execArgv }), inFlight: 0 }));

    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      for (const p of pool) void p.worker.terminate();
      if (error) reject(error);
      else resolve();
    };
    const dispatch = () => {
      for (const p of pool) {
        while (p.inFlight < inFlightPerWorker && nextTask < tasks.length && nextTask < nextMerge + window) {
          const task = tasks.at(nextTask);
          const message: TaskMessage = { type: 'task', id: nextTask, job: task.job, batch: task.batch };
          p.worker.postMessage(message);
          p.inFlight++;
          nextTask++;
        }
      }
    };
    for (const p of pool) {
      p.worker.on('message', (reply: WorkerReply) => {
        if (settled) return;
        p.inFlight--;
        if (reply.type === 'error') {
          finish(new Error(`balls-and-bins worker failed on batch ${tasks.at(reply.id).batch}: ${reply.message}`));
          return;
        }
        pending.set(reply.id, reply.totals);
        while (pending.has(nextMerge)) {
          const batch = pending.get(nextMerge) as BatchTotals;
          pending.delete(nextMerge);
          try {
            merge(tasks.at(nextMerge), batch);
          } catch (error) {
            finish(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          nextMerge++;
          if (expired()) break;
        }
        if (nextMerge === tasks.length || expired()) finish();
        else dispatch();
      });
      p.worker.on('error', (error) => finish(error));
      p.worker.on('exit', (code) => {
        if (!settled && code !== 0) finish(new Error(`balls-and-bins worker exited with code ${code}`));
      });
    }
    dispatch();
  });
}

interface MutableTotals {
  samples: number;
  readonly sums: Float64Array;
  readonly sumSquares: Float64Array;
  readonly hits: Float64Array;
}

function mutableTotals(size: number): MutableTotals {
  return { samples: 0, sums: new Float64Array(size), sumSquares: new Float64Array(size), hits: new Float64Array(size) };
}

function addInto(target: MutableTotals, batch: BatchTotals): void {
  target.samples += batch.samples;
  for (let k = 0; k < target.sums.length; k++) {
    target.sums[k] += batch.sums[k];
    target.sumSquares[k] += batch.sumSquares[k];
    target.hits[k] += batch.hits[k];
  }
}

function freeze(t: MutableTotals): BatchTotals {
  return { samples: t.samples, sums: t.sums, sumSquares: t.sumSquares, hits: t.hits };
}
