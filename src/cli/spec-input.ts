/** Reading, checking and planning a spec named on the command line (`run`, `check`). */
import { parseSpec } from '../spec/validate.js';
import { planFromSpec, type AccountingPlan } from '../spec/plan.js';
import type { Spec } from '../spec/schema.js';
import { readSpecText } from './context.js';
import type { CliIo } from './io.js';

export async function loadSpec(io: CliIo, path: string): Promise<Spec> {
  const { text, source } = await readSpecText(io, path);
  return parseSpec(text, source);
}

/** Command-line overrides of the spec's accountant settings. */
export function withAccountant(
  spec: Spec,
  o: {
    accountant?: 'pld' | 'rdp';
    discretization?: number;
    precision?: number;
    samples?: number;
    seed?: number;
    confidence?: number;
    costLimit?: number;
    maxSeconds?: number;
  },
): Spec {
  const overrides = {
    ...(o.accountant !== undefined ? { name: o.accountant } : {}),
    ...(o.discretization !== undefined ? { discretization: o.discretization } : {}),
    ...(o.precision !== undefined ? { precision: o.precision } : {}),
    ...(o.samples !== undefined ? { samples: o.samples } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.confidence !== undefined ? { confidence: o.confidence } : {}),
    ...(o.costLimit !== undefined ? { costLimitSeconds: o.costLimit } : {}),
    ...(o.maxSeconds !== undefined ? { maxSeconds: o.maxSeconds } : {}),
  };
  if (Object.keys(overrides).length === 0) return spec;
  return { ...spec, accountant: { ...spec.accountant, ...overrides } };
}

export function plan(spec: Spec): AccountingPlan {
  return planFromSpec(spec);
}
