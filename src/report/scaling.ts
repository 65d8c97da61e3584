/**
 * The scaling report (`dpacct scaling optimize --report FILE`): the compute-optimal configurations at the
 * asked budget (accountants/scaling optimize) and the best loss at every budget with the saturating compute
 * (saturate), assembled for the renderers in src/output/scalingReport.ts.
 */
import { optimize, saturate } from '../../accountants/scaling/index.js';
import type { ScalingReport } from '../result.js';
import { VERSION } from '../version.js';

type Question = Parameters<typeof optimize>[0];
type Options = Parameters<typeof optimize>[1];

export async function scalingReport(q: Question, o: Options = {}, now: Date = new Date()): Promise<ScalingReport> {
  const best = await optimize(q, o);
  const { flops: _, ...question } = q;
  const saturation = await saturate(question, o);
  return { optimize: best, saturate: saturation, generatedAt: now.toISOString(), version: VERSION };
}
