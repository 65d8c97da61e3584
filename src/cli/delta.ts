/** `dpacct delta`: delta of one training run at an epsilon. */
import type { Command } from 'commander';
import { InputErrors } from '../errors.js';
import { resultJson, stringify } from '../output/json.js';
import { resultTable } from '../output/table.js';
import { engine, type CommandContext } from './context.js';
import { progressReporter } from './progress.js';
import { addOptions, readOptions } from './options.js';
import { checkTrainingFlags, TRAINING_OPTIONS, trainingPlan } from './training.js';

const KEYS = [...TRAINING_OPTIONS, 'epsilon', 'quiet', 'json'] as const;

export function registerDelta(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('delta')
    .summary('delta of a DP-SGD run at a given epsilon')
    .description('Delta of DP-SGD at a given epsilon: the largest probability mass of outputs whose privacy loss exceeds epsilon.');
  addOptions(cmd, KEYS).addHelpText(
    'after',
    `
Examples:
  dpacct delta --sigma 1.1 --sampling-rate 0.004267 --steps 14063 --epsilon 3
  dpacct delta --sigma 0.8 --batch-size 512 --dataset-size 50000 --epochs 10 --epsilon 8 --json`,
  );
  cmd.action(async (raw: Record<string, unknown>) => {
    const flags = readOptions(raw, KEYS);
    checkTrainingFlags(flags);
    if (flags.epsilon === undefined) throw new InputErrors(['--epsilon: missing, expected a number >= 0']);
    const plan = trainingPlan(flags, { epsilon: flags.epsilon });
    const { accountPlanAsync } = await engine();
    const result = await accountPlanAsync(plan, plan.query, { onProgress: progressReporter(ctx.io, flags.quiet) });
    ctx.finish({ stdout: flags.json ? stringify(resultJson('delta', result)) : resultTable(result, ctx.style(false)), exitCode: 0 });
  });
}
