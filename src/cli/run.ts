/** `dpacct run SPEC|-`: the composed result of a JSON spec. */
import type { Command } from 'commander';
import { COMMANDS } from './commands.js';
import { InputErrors } from '../errors.js';
import { deltaCurveJson, resultJson, stringify } from '../output/json.js';
import { deltaCurveTable, resultTable } from '../output/table.js';
import type { Spec } from '../spec/schema.js';
import { engine, type CommandContext } from './context.js';
import { progressReporter } from './progress.js';
import { addOptions, readOptions } from './options.js';
import { loadSpec, plan, withAccountant } from './spec-input.js';

const KEYS = [
  'delta',
  'epsilons',
  'accountant',
  'discretization',
  'precision',
  'samples',
  'seed',
  'confidence',
  'costLimit',
  'maxSeconds',
  'quiet',
  'json',
] as const;

export function registerRun(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('run')
    .argument('<spec>', 'spec file (JSON), or - to read it from stdin')
    .summary(COMMANDS['run'].summary)
    .description(
      'Accounts the release described by a JSON spec: every stage composed (heterogeneous composition).\n' +
        'See `dpacct schema` for the format and examples/ for samples.',
    );
  addOptions(cmd, KEYS, {
    delta: "query epsilon at this delta (overrides the spec's query)",
    epsilons: "query delta at this epsilon, or at several comma-separated (overrides the spec's query)",
  }).addHelpText(
    'after',
    `
Examples:
  dpacct run examples/dpsgd-60k.json
  dpacct run examples/analytics.json --json
  dpacct run examples/dpsgd-60k.json --epsilon 1,2,4,8
  cat spec.json | dpacct run - --delta 1e-6`,
  );
  cmd.action(async (path: string, raw: Record<string, unknown>) => {
    const flags = readOptions(raw, KEYS);
    let spec: Spec = withAccountant(await loadSpec(ctx.io, path), flags);
    if (flags.delta !== undefined && flags.epsilons !== undefined) {
      throw new InputErrors(['give --delta (to query epsilon) or --epsilon (to query delta), not both']);
    }
    if (flags.delta !== undefined) spec = { ...spec, delta: flags.delta, epsilon: undefined };
    if (flags.epsilons !== undefined) spec = { ...spec, epsilon: [...flags.epsilons], delta: undefined };
    const { accountPlanAsync, accountDeltaCurveAsync } = await engine();
    const p = plan(spec);
    const run = { onProgress: progressReporter(ctx.io, flags.quiet) };
    if (p.epsilons !== undefined && p.epsilons.length > 1) {
      // several epsilons: the curve delta(epsilon), one composition
      const curve = await accountDeltaCurveAsync(p, p.epsilons, run);
      ctx.finish({ stdout: flags.json ? stringify(deltaCurveJson('run', curve)) : deltaCurveTable(curve, ctx.style(false)), exitCode: 0 });
      return;
    }
    const result = await accountPlanAsync(p, p.query, run);
    ctx.finish({ stdout: flags.json ? stringify(resultJson('run', result)) : resultTable(result, ctx.style(false)), exitCode: 0 });
  });
}
