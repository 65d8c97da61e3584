/**
 * Worker-thread entry (compiled to dist/accountants/ballsAndBins/worker.js): receives the job table once through
 * workerData, then computes one batch per 'task' message and posts its totals back (buffers transferred).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BatchTotals } from './accumulator.js';
import { jobRunner, type JobSpec } from './jobs.js';

export interface TaskMessage {
  readonly type: 'task';
  readonly id: number;
  readonly job: number;
  readonly batch: number;
}

export type WorkerReply =
  | { readonly type: 'result'; readonly id: number; readonly totals: BatchTotals }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

const port = parentPort;
if (port) {
  const jobs = (workerData as { jobs: readonly JobSpec[] }).jobs;
  const runners = new Map<number, (batch: number) => BatchTotals>();
  port.on('message', (message: TaskMessage) => {
    try {
      let runner = runners.get(message.job);
      if (!runner) {
        runner = jobRunner(jobs[message.job]);
        runners.set(message.job, runner);
      }
      const totals = runner(message.batch);
      const reply: WorkerReply = { type: 'result', id: message.id, totals };
      port.postMessage(reply, [totals.sums.buffer, totals.sumSquares.buffer, totals.hits.buffer] as ArrayBuffer[]);
    } catch (error) {
      const reply: WorkerReply = { type: 'error', id: message.id, message: error instanceof Error ? error.message : String(error) };
      port.postMessage(reply);
    }
  });
}
