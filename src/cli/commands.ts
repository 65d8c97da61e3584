/**
 * The commands, each loaded only when it runs (so `dpacct --version` and `--help` load no command code,
 * no zod schema and no accountant). The summaries live here because the top-level help lists every command
 * without loading it.
 */
import type { Command } from 'commander';
import type { CommandContext } from './context.js';

type Register = (program: Command, ctx: CommandContext) => void;

/** `readsSpec`: the command takes a JSON spec, so messages keep naming spec fields rather than flags */
export const COMMANDS: Readonly<
  Record<string, { readonly summary: string; readonly load: () => Promise<Register>; readonly readsSpec?: boolean }>
> = {
  epsilon: { summary: 'epsilon of a DP-SGD run at a given delta', load: () => import('./epsilon.js').then((m) => m.registerEpsilon) },
  delta: {
    summary: 'delta of a DP-SGD run at a given epsilon (or the curve at several)',
    load: () => import('./delta.js').then((m) => m.registerDelta),
  },
  calibrate: {
    summary: 'find the noise (or steps, epochs, sampling rate, batch size) that meets a target epsilon',
    load: () => import('./calibrate.js').then((m) => m.registerCalibrate),
  },
  run: {
    summary: 'account a JSON spec (stages composed in order)',
    load: () => import('./run.js').then((m) => m.registerRun),
    readsSpec: true,
  },
  check: {
    summary: 'CI gate: is the certified epsilon within the budget?',
    load: () => import('./check.js').then((m) => m.registerCheck),
    readsSpec: true,
  },
  compare: {
    summary: 'every batch sampler side by side: the cost of shuffling at a glance',
    load: () => import('./compare.js').then((m) => m.registerCompare),
  },
  schema: { summary: 'print the JSON Schema of accounting specs', load: () => import('./schema.js').then((m) => m.registerSchema) },
  report: {
    summary: 'a privacy report for review: guarantee, assumptions, samplers, epochs, delta(epsilon)',
    load: () => import('./report.js').then((m) => m.registerReport),
    readsSpec: true,
  },
  scaling: {
    summary: 'DP scaling laws: noise, compute-optimal configurations, saturating compute',
    load: () => import('./scaling.js').then((m) => m.registerScaling),
  },
  verify: {
    summary: 'recompute a saved JSON report and check that its figures still hold',
    load: () => import('./verify.js').then((m) => m.registerVerify),
    readsSpec: true,
  },
};
