/** `dpacct epsilon`: epsilon of one training run at a delta. */
import type { Command } from 'commander';
import { COMMANDS } from './commands.js';
import { InputErrors } from '../errors.js';
import { resultJson, stringify } from '../output/json.js';
import { resultTable } from '../output/table.js';
import { engine, type CommandContext } from './context.js';
import { progressReporter } from './progress.js';
import { addOptions, readOptions } from './options.js';
import { checkTrainingFlags, TRAINING_OPTIONS, trainingPlan } from './training.js';

const KEYS = [...TRAINING_OPTIONS, 'delta', 'quiet', 'json'] as const;

export function registerEpsilon(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('epsilon')
    .summary(COMMANDS['epsilon'].summary)
    .description(
      'Epsilon of DP-SGD (Gaussian noise on clipped gradients) at a given delta.\n' +
        'The PLD accountant prints a certified upper bound (and a lower bound beside it); rdp a looser upper bound.',
    );
  addOptions(cmd, KEYS).addHelpText(
    'after',
    `
Examples:
  dpacct epsilon --sigma 1.1 --sampling-rate 0.004267 --steps 14063 --delta 1e-5
  dpacct epsilon --sigma 1.1 --batch-size 256 --dataset-size 60000 --epochs 60 --delta 1e-5
  dpacct epsilon --sigma 1.0 --sampling-rate 0.01 --steps 10000 --delta 1e-5 --accountant rdp --json
  dpacct epsilon --sigma 1.1 --sampler deterministic --steps-per-epoch 235 --epochs 60 --delta 1e-5

--epochs becomes steps = ceil(epochs * dataset-size / batch-size) (or ceil(epochs / q)), rounded up so the
accounting never covers fewer steps than were run.`,
  );
  cmd.action(async (raw: Record<string, unknown>) => {
    const flags = readOptions(raw, KEYS);
    checkTrainingFlags(flags);
    if (flags.delta === undefined) throw missingDelta();
    const plan = trainingPlan(flags, { delta: flags.delta });
    const { accountPlanAsync } = await engine();
    const result = await accountPlanAsync(plan, plan.query, { onProgress: progressReporter(ctx.io, flags.quiet) });
    ctx.finish({ stdout: flags.json ? stringify(resultJson('epsilon', result)) : resultTable(result, ctx.style(false)), exitCode: 0 });
  });
}

function missingDelta(): InputErrors {
  return new InputErrors(['--delta: missing, expected a number in (0, 1)']);
}
