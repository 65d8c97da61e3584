/**
 * `dpacct scaling noise|optimize|saturate|eval`: DP scaling laws (McKenna et al., arXiv 2501.18914). The same
 * flag names in every subcommand: --epsilon, --delta, --units, --batch-size, --steps, --seq-len, --model-size,
 * --flops.
 */
import type { Command } from 'commander';
import { COMMANDS } from './commands.js';
import { InputError, InputErrors } from '../errors.js';
import { stringify } from '../output/json.js';
import { formatNumber } from '../output/numbers.js';
import {
  scalingEvalJson,
  scalingEvalTable,
  scalingNoiseJson,
  scalingNoiseTable,
  scalingOptimizeJson,
  scalingOptimizeTable,
  scalingSaturateJson,
  scalingSaturateTable,
  scalingUnitsJson,
  scalingUnitsTable,
} from '../output/scaling.js';
import type { CommandContext } from './context.js';
import { addOptions, flagName, readOptions, type OptionKey, type OptionValues } from './options.js';
import { progressReporter } from './progress.js';

const scaling = () => import('../../accountants/scaling/index.js');

const ACCOUNTING = ['sampler', 'accountant', 'discretization'] as const;
const HELP: Partial<Record<OptionKey, string>> = {
  targetEpsilon: 'privacy budget epsilon (> 0)',
  batchSize: 'B: expected batch size in units (Poisson) (positive integer)',
  steps: 'T: training steps',
  sigma: 'a published noise multiplier: instead of --units, solve for the units N that meet the budget',
};
/** the paper's sequence length (BERT, 512 tokens), used when --seq-len is not given by optimize, saturate, eval */
const DEFAULT_SEQ_LEN = 512;

function require<K extends OptionKey>(flags: OptionValues<K>, keys: readonly K[], what: Partial<Record<OptionKey, string>>): void {
  const problems = keys.filter((k) => flags[k] === undefined).map((k) => `${flagName(k)}: missing, expected ${what[k] ?? 'a number'}`);
  if (problems.length) throw new InputErrors(problems);
}

const EXPECTED: Partial<Record<OptionKey, string>> = {
  targetEpsilon: 'a number > 0',
  delta: 'a number in (0, 1)',
  units: 'a positive integer',
  batchSize: 'a positive integer',
  steps: 'a positive integer',
  flops: 'a number > 0',
  modelSize: 'a number > 0',
};

async function lossModel(ctx: CommandContext, path: string | undefined) {
  const s = await scaling();
  if (path === undefined) return s.parametricModel(s.BERT_TABLE2_LAW);
  let text: string;
  try {
    text = await ctx.io.readFile(path);
  } catch (e) {
    throw new InputError(
      '--loss-model',
      'a readable .csv table or .json law',
      `${path} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
  if (/\.csv$/i.test(path)) return s.tableModel(text, path);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError('--loss-model', 'a .csv table or a JSON parametric law', `${path} (not valid JSON)`);
  }
  return s.parametricModel(s.parseParametricLaw(value, path));
}

function checkBatch(flags: { batchSize?: number; units?: number }): void {
  if (flags.batchSize !== undefined && flags.units !== undefined && flags.batchSize > flags.units)
    throw new InputError('--batch-size', `at most --units (${flags.units})`, flags.batchSize);
}

/** a bound on the search's cost: at most this many model sizes and batch sizes (a million configurations) */
const MAX_SEARCH_AXIS = 1000;

function checkSearch(flags: { sampler?: string; modelCount?: number; batchCount?: number }): void {
  for (const key of ['modelCount', 'batchCount'] as const)
    if ((flags[key] ?? 0) > MAX_SEARCH_AXIS) throw new InputError(flagName(key), `a positive integer <= ${MAX_SEARCH_AXIS}`, flags[key]);
  checkSearchSampler(flags.sampler);
}

function checkSearchSampler(sampler: string | undefined): void {
  if (sampler !== undefined && sampler !== 'poisson' && sampler !== 'deterministic')
    throw new InputError('--sampler', 'poisson or deterministic (the searches calibrate thousands of configurations)', sampler);
}

export function registerScaling(program: Command, ctx: CommandContext): void {
  const group = program
    .command('scaling')
    .summary(COMMANDS['scaling'].summary)
    .description(
      'DP scaling laws after McKenna et al., "Scaling Laws for Differentially Private Language Models" (arXiv 2501.18914). ' +
        'The noise multiplier sigma is calibrated (Poisson sampling, PLD accountant by default); the noise-batch ratio ' +
        'sigma / B and a loss model L(model size, steps, sigma / B) rank configurations for a compute budget C = 6 M B S T.',
    );

  // ---------------------------------------------------------------------------------------------- noise
  const NOISE = ['targetEpsilon', 'delta', 'units', 'batchSize', 'steps', 'seqLen', 'modelSize', 'sigma', ...ACCOUNTING, 'json'] as const;
  const noise = group.command('noise').summary('noise multiplier, noise-batch ratio, epochs, tokens and compute of one configuration');
  addOptions(noise, NOISE, HELP).addHelpText(
    'after',
    `
Examples:
  dpacct scaling noise --epsilon 4 --delta 1e-8 --units 1e7 --batch-size 220000 --steps 11000 --seq-len 512 --model-size 4.9e7
  dpacct scaling noise --epsilon 2 --delta 1.1e-10 --sigma 0.614 --batch-size 518000 --steps 100000 --seq-len 1024 --accountant rdp`,
  );
  noise.action(async (raw: Record<string, unknown>) => {
    const flags = readOptions(raw, NOISE);
    const s = await scaling();
    const choice = { sampler: flags.sampler, accountant: flags.accountant, discretization: flags.discretization };
    if (flags.sigma !== undefined) {
      if (flags.units !== undefined)
        throw new InputErrors(['give --units (to calibrate sigma) or --sigma (to solve for the units), not both']);
      require(flags, ['targetEpsilon', 'delta', 'batchSize', 'steps'], EXPECTED);
      if ((flags.sampler ?? 'poisson') !== 'poisson')
        throw new InputError('--sampler', 'poisson when solving for the units (--sigma)', flags.sampler);
      const r = await s.unitsReport({
        epsilon: flags.targetEpsilon!,
        delta: flags.delta!,
        noiseMultiplier: flags.sigma,
        batchSize: flags.batchSize!,
        steps: flags.steps!,
        seqLen: flags.seqLen,
        ...choice,
      });
      ctx.finish({ stdout: flags.json ? stringify(scalingUnitsJson(r)) : scalingUnitsTable(r, ctx.style(false)), exitCode: 0 });
      return;
    }
    require(flags, ['targetEpsilon', 'delta', 'units', 'batchSize', 'steps'], EXPECTED);
    checkBatch(flags);
    const r = await s.noiseReport({
      epsilon: flags.targetEpsilon!,
      delta: flags.delta!,
      units: flags.units!,
      batchSize: flags.batchSize!,
      steps: flags.steps!,
      seqLen: flags.seqLen,
      modelSize: flags.modelSize,
      ...choice,
    });
    ctx.finish({ stdout: flags.json ? stringify(scalingNoiseJson(r)) : scalingNoiseTable(r, ctx.style(false)), exitCode: 0 });
  });

  // ---------------------------------------------------------------------------------------------- optimize / saturate
  const SEARCH = [
    'targetEpsilon',
    'delta',
    'units',
    'seqLen',
    'tolerance',
    'modelCount',
    'batchCount',
    ...ACCOUNTING,
    'quiet',
    'json',
  ] as const;
  const LOSS_MODEL_HELP =
    'loss model: a .csv table (model size, steps, noise-batch ratio, loss) or a .json parametric law (default: the bundled bert-table2 law)';

  const optimize = group
    .command('optimize')
    .summary('best model size, batch size and steps for a compute budget, and the near-optimal band');
  addOptions(optimize, [...SEARCH, 'flops'], HELP)
    .option('--loss-model <file>', LOSS_MODEL_HELP)
    .option(
      '--report <file>',
      'also write a report (HTML, or Markdown for a .md file): loss against compute for the best configurations, the saturating compute marked',
    )
    .addHelpText(
      'after',
      `
Searches --model-sizes x --batch-sizes configurations (T = C / (6 M B S)); sigma is interpolated on a grid of
calibrations for the search, and the best configurations are recalibrated exactly. --seq-len defaults to 512.

Example:
  dpacct scaling optimize --epsilon 4 --delta 1e-8 --units 1e7 --flops 3.8e20
  dpacct scaling optimize --epsilon 4 --delta 1e-8 --units 1e7 --flops 3.8e20 --report scaling.html`,
    );
  optimize.action(async (raw: Record<string, unknown>) => {
    const flags = readOptions(raw, [...SEARCH, 'flops']);
    require(flags, ['targetEpsilon', 'delta', 'units', 'flops'], EXPECTED);
    checkSearch(flags);
    const s = await scaling();
    const model = await lossModel(ctx, raw.lossModel as string | undefined);
    const question = {
      epsilon: flags.targetEpsilon!,
      delta: flags.delta!,
      units: flags.units!,
      seqLen: flags.seqLen ?? DEFAULT_SEQ_LEN,
      flops: flags.flops!,
      model,
      sampler: flags.sampler,
      accountant: flags.accountant,
      discretization: flags.discretization,
    };
    const search = {
      tolerance: flags.tolerance,
      modelCount: flags.modelCount,
      batchCount: flags.batchCount,
      onProgress: progressReporter(ctx.io, flags.quiet, 'calibrating'),
    };
    const reportFile = raw.report as string | undefined;
    if (reportFile === undefined) {
      const r = await s.optimize(question, search);
      ctx.finish({ stdout: flags.json ? stringify(scalingOptimizeJson(r)) : scalingOptimizeTable(r, ctx.style(false)), exitCode: 0 });
      return;
    }
    if (!ctx.io.writeFile) throw new InputErrors(['--report: cannot write files here']);
    const { scalingReport } = await import('../report/scaling.js');
    const report = await scalingReport(question, search);
    const { scalingReportHtml, scalingReportMarkdown } = await import('../output/scalingReport.js');
    const text = /\.(md|markdown)$/i.test(reportFile) ? scalingReportMarkdown(report) : scalingReportHtml(report);
    try {
      await ctx.io.writeFile(reportFile, text);
    } catch (e) {
      throw new InputErrors([
        `--report: cannot write ${JSON.stringify(reportFile)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      ]);
    }
    const r = report.optimize;
    const stdout = flags.json
      ? stringify({ ...scalingOptimizeJson(r), report: reportFile, saturatingFlops: report.saturate.saturatingFlops })
      : scalingOptimizeTable(r, ctx.style(false)) +
        `\nreport written to ${reportFile} (saturating compute about ${formatNumber(report.saturate.saturatingFlops, 3)} FLOPs)\n`;
    ctx.finish({ stdout, exitCode: 0 });
  });

  const saturate = group.command('saturate').summary('smallest compute beyond which the best loss improves by less than the tolerance');
  addOptions(saturate, SEARCH, HELP)
    .option('--loss-model <file>', LOSS_MODEL_HELP)
    .addHelpText(
      'after',
      `
Example:
  dpacct scaling saturate --epsilon 4 --delta 1e-8 --units 1e7`,
    );
  saturate.action(async (raw: Record<string, unknown>) => {
    const flags = readOptions(raw, SEARCH);
    require(flags, ['targetEpsilon', 'delta', 'units'], EXPECTED);
    checkSearch(flags);
    const s = await scaling();
    const model = await lossModel(ctx, raw.lossModel as string | undefined);
    const r = await s.saturate(
      {
        epsilon: flags.targetEpsilon!,
        delta: flags.delta!,
        units: flags.units!,
        seqLen: flags.seqLen ?? DEFAULT_SEQ_LEN,
        model,
        sampler: flags.sampler,
        accountant: flags.accountant,
        discretization: flags.discretization,
      },
      {
        tolerance: flags.tolerance,
        modelCount: flags.modelCount,
        batchCount: flags.batchCount,
        onProgress: progressReporter(ctx.io, flags.quiet, 'calibrating'),
      },
    );
    ctx.finish({ stdout: flags.json ? stringify(scalingSaturateJson(r)) : scalingSaturateTable(r, ctx.style(false)), exitCode: 0 });
  });

  // ---------------------------------------------------------------------------------------------- eval
  const EVAL = ['targetEpsilon', 'delta', 'units', 'modelSize', 'batchSize', 'steps', 'flops', 'seqLen', ...ACCOUNTING, 'json'] as const;
  const evaluate = group.command('eval').summary('noise and predicted loss of one configuration');
  addOptions(evaluate, EVAL, HELP)
    .option('--loss-model <file>', LOSS_MODEL_HELP)
    .addHelpText(
      'after',
      `
Give --steps, or --flops to derive T = floor(C / (6 M B S)). --seq-len defaults to 512.

Example:
  dpacct scaling eval --epsilon 4 --delta 1e-8 --units 1e7 --model-size 4.9e7 --batch-size 220000 --steps 11000`,
    );
  evaluate.action(async (raw: Record<string, unknown>) => {
    const flags = readOptions(raw, EVAL);
    require(flags, ['targetEpsilon', 'delta', 'units', 'modelSize', 'batchSize'], EXPECTED);
    if ((flags.steps === undefined) === (flags.flops === undefined))
      throw new InputErrors(['--steps: give --steps or --flops (one of them)']);
    checkBatch(flags);
    const seqLen = flags.seqLen ?? DEFAULT_SEQ_LEN;
    const steps = flags.steps ?? Math.floor(flags.flops! / (6 * flags.modelSize! * flags.batchSize! * seqLen));
    if (steps < 1)
      throw new InputError('--flops', `at least 6 M B S = ${6 * flags.modelSize! * flags.batchSize! * seqLen} (one step)`, flags.flops);
    const s = await scaling();
    const model = await lossModel(ctx, raw.lossModel as string | undefined);
    const r = await s.evaluate({
      epsilon: flags.targetEpsilon!,
      delta: flags.delta!,
      units: flags.units!,
      seqLen,
      model,
      modelSize: flags.modelSize!,
      batchSize: flags.batchSize!,
      steps,
      sampler: flags.sampler,
      accountant: flags.accountant,
      discretization: flags.discretization,
    });
    ctx.finish({ stdout: flags.json ? stringify(scalingEvalJson(r)) : scalingEvalTable(r, ctx.style(false)), exitCode: 0 });
  });
}
