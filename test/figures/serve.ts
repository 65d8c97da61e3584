/**
 * The worker side of test/helpers/plainNode.ts: a module in test/figures calls `serve` with a function from
 * its jobs to its answers; jobs arrive as JSON on stdin and answers leave as JSON on stdout. Infinity and NaN
 * are figures too (an accountant says Infinity for "no finite epsilon"), so both sides use `toJson`/`fromJson`,
 * which keep them instead of turning them into null.
 */
const NON_FINITE = '$nonFinite';

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { [NON_FINITE]: String(v) } : v));
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && NON_FINITE in v ? Number((v as Record<string, string>)[NON_FINITE]) : v,
  ) as T;
}

export async function serve<Job, Answer>(answer: (job: Job) => Answer | Promise<Answer>): Promise<void> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const jobs = fromJson<Record<string, Job>>(text);
  const answers: Record<string, Answer> = {};
  for (const [key, job] of Object.entries(jobs)) answers[key] = await answer(job);
  process.stdout.write(toJson(answers));
}
