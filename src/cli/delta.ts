/**
 * `dpacct delta`: delta of one training run at an epsilon, or the curve delta(epsilon) at several
 * (`--epsilon 0.5,1,2,4,8`): the run is composed once and each epsilon is a query on it. One epsilon keeps
 * the single-figure output; several print a table (JSON: a `curve` array, src/output/json.ts).
 */
import type { Command } from 'commander';
import { COMMANDS } from './commands.js';
import { InputErrors } from '../errors.js';
import { deltaCurveJson, resultJson, stringify } from '../output/json.js';
import { deltaCurveTable, resultTable } from '../output/table.js';
import { engine, type CommandContext } from './context.js';
import { progressReporter } from './progress.js';
import { addOptions, readOptions } from './options.js';
import { checkTrainingFlags, TRAINING_OPTIONS, trainingPlan } from './training.js';

const KEYS = [...TRAINING_OPTIONS, 'epsilons', 'quiet', 'json'] as const;

export function registerDelta(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('delta')
    .summary(COMMANDS['delta'].summary)
    .description(
      'Delta of DP-SGD at a given epsilon: the largest probability mass of outputs whose privacy loss exceeds epsilon.\n' +
        'Several comma-separated epsilons give the curve delta(epsilon) from one composition, one row per epsilon.',
    );
  addOptions(cmd, KEYS).addHelpText(
    'after',
    `
Examples:
  dpacct delta --sigma 1.1 --sampling-rate 0.004267 --steps 14063 --epsilon 3
  dpacct delta --sigma 1.1 --sampling-rate 0.004267 --steps 14063 --epsilon 0.5,1,2,4,8
  dpacct delta --sigma 0.8 --batch-size 512 --dataset-size 50000 --epochs 10 --epsilon 8 --json

--json with one epsilon prints the headline figure (delta, kind, lower, upper); with several, a "curve"
array of { epsilon, delta, kind, lower, upper } (lower/upper where known), in the order given.`,
  );
  cmd.action(async (raw: Record<string, unknown>) => {
    const flags = readOptions(raw, KEYS);
    checkTrainingFlags(flags);
    const epsilons = flags.epsilons;
    if (epsilons === undefined) throw new InputErrors(['--epsilon: missing, expected a number >= 0 (or several, comma-separated)']);
    const plan = trainingPlan(flags, { epsilon: epsilons[0] });
    const run = { onProgress: progressReporter(ctx.io, flags.quiet) };
    if (epsilons.length === 1) {
      const { accountPlanAsync } = await engine();
      const result = await accountPlanAsync(plan, plan.query, run);
      ctx.finish({ stdout: flags.json ? stringify(resultJson('delta', result)) : resultTable(result, ctx.style(false)), exitCode: 0 });
      return;
    }
    const { accountDeltaCurveAsync } = await engine();
    const curve = await accountDeltaCurveAsync(plan, epsilons, run);
    ctx.finish({ stdout: flags.json ? stringify(deltaCurveJson('delta', curve)) : deltaCurveTable(curve, ctx.style(false)), exitCode: 0 });
  });
}
