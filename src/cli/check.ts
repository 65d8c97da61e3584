/** `dpacct check SPEC|-`: the CI gate. Exit 0 within budget, 1 over it, 2 invalid input, 3 cannot certify. */
import type { Command } from 'commander';
import { COMMANDS } from './commands.js';
import { InputErrors } from '../errors.js';
import { budgetJson, stringify } from '../output/json.js';
import { budgetTable } from '../output/table.js';
import { engine, type CommandContext } from './context.js';
import { progressReporter } from './progress.js';
import { EXIT } from './io.js';
import { addOptions, readOptions } from './options.js';
import { loadSpec, plan, withAccountant } from './spec-input.js';

const KEYS = [
  'maxEpsilon',
  'delta',
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

export function registerCheck(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('check')
    .argument('<spec>', 'spec file (JSON), or - to read it from stdin')
    .summary(COMMANDS['check'].summary)
    .description(
      "Compares the certified upper bound on epsilon at the budget's delta with the budget's epsilon.\n" +
        'Exit status: 0 within budget, 1 over budget (says by how much and which stage costs most),\n' +
        '2 invalid input, 3 no certified figure (e.g. only lower bounds are known for the sampler).',
    );
  addOptions(cmd, KEYS, { delta: "budget delta (overrides the spec's budget.delta)" }).addHelpText(
    'after',
    `
Examples:
  dpacct check examples/dpsgd-60k.json
  dpacct check training.json --max-epsilon 4 --delta 1e-6
  git show HEAD:training.json | dpacct check - --json`,
  );
  cmd.action(async (path: string, raw: Record<string, unknown>) => {
    const flags = readOptions(raw, KEYS);
    const spec = withAccountant(await loadSpec(ctx.io, path), flags);
    const epsilon = flags.maxEpsilon ?? spec.budget?.epsilon;
    const delta = flags.delta ?? spec.budget?.delta ?? spec.delta;
    const problems: string[] = [];
    if (epsilon === undefined) problems.push('budget.epsilon: missing, give a budget in the spec or --max-epsilon');
    if (delta === undefined) problems.push('budget.delta: missing, give a budget in the spec or --delta');
    if (problems.length) throw new InputErrors(problems);
    const { checkBudgetAsync } = await engine();
    const report = await checkBudgetAsync(
      plan(spec),
      { epsilon: epsilon!, delta: delta! },
      { onProgress: progressReporter(ctx.io, flags.quiet) },
    );
    const style = ctx.style(flags.json);
    ctx.finish({
      stdout: flags.json ? stringify(budgetJson(report)) : budgetTable(report, style),
      exitCode: report.withinBudget ? EXIT.ok : EXIT.overBudget,
    });
  });
}
