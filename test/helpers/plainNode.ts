/**
 * Runs the heavy reference tier's arithmetic under plain node instead of inside jest.
 *
 * Jest runs every module in a VM context where global lookups are slow; number-crunching code (PLD grids,
 * FFTs, root finding) takes 2-3 times longer there than in node. A test file collects its heavy jobs in a
 * `PlainNodeBatch` while its tests are being declared; the batch computes them all in ONE child process
 * (`node --import tsx test/figures/<worker>.ts`, the same TypeScript sources, no build step) in a
 * `beforeAll` it registers itself, and the tests assert each answer in jest with their usual tolerances.
 * Nothing is cached between runs.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromJson, toJson } from '../figures/serve.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function run<T>(worker: string, input: unknown): Promise<T> {
  const script = fileURLToPath(new URL(`../figures/${worker}.ts`, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', reject);
    child.on('close', (code) => {
      if (process.env.FIGURES_DUMP) writeFileSync(process.env.FIGURES_DUMP, toJson(input));
      if (code !== 0) reject(new Error(`test/figures/${worker}.ts exited with ${code}:\n${err}`));
      else resolve(fromJson<T>(out));
    });
    child.stdin.end(toJson(input));
  });
}

export class PlainNodeBatch<Job, Answer> {
  private readonly jobs: Record<string, Job> = {};
  private answers: Record<string, Answer> | undefined;

  /**
   * Registers the beforeAll that computes the batch. Its timeout is that of the whole batch, not of one test:
   * on a machine shared with other work a batch of a minute of CPU can take several minutes of wall time.
   */
  constructor(
    private readonly worker: string,
    timeoutMs = 15 * 60_000,
  ) {
    beforeAll(() => this.compute(), timeoutMs);
  }

  /** queue a job under a unique key (while tests are declared) */
  add(key: string, job: Job): void {
    if (key in this.jobs) throw new Error(`duplicate job key ${key}`);
    this.jobs[key] = job;
  }

  has(key: string): boolean {
    return key in this.jobs;
  }

  private async compute(): Promise<void> {
    this.answers = await run<Record<string, Answer>>(this.worker, this.jobs);
  }

  /** the answer to a queued job (inside a test) */
  get(key: string): Answer {
    if (this.answers === undefined) throw new Error('PlainNodeBatch.get before compute()');
    if (!(key in this.answers)) throw new Error(`no answer for job ${key}`);
    return this.answers[key];
  }
}
