/** `dpacct compare`: every batch sampler at the same sigma, steps per epoch and epochs (ABLQ). */
import { Option, type Command } from 'commander';
import { COMMANDS } from './commands.js';
import { InputError, InputErrors } from '../errors.js';
import { comparisonJson, stringify } from '../output/json.js';
import { comparisonTable } from '../output/table.js';
import type { ComparisonReport } from '../result.js';
import type { CommandContext } from './context.js';
import { addOptions, readOptions } from './options.js';
import { progressReporter } from './progress.js';

const KEYS = [
  'sigma',
  'stepsPerEpoch',
  'batchSize',
  'datasetSize',
  'epochs',
  'delta',
  'epsilon',
  'discretization',
  'method',
  'samples',
  'seed',
  'confidence',
  'quiet',
  'json',
] as const;
/** at most this many epoch counts on the --plot chart */
const PLOT_POINTS = 24;

export function registerCompare(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('compare')
    .summary(COMMANDS['compare'].summary)
    .description(
      'Epsilon (at --delta) or delta (at --epsilon) of DP-SGD for each batch sampler at the same noise,\n' +
        'T steps per epoch and E epochs, with its kind and the ratio to Poisson (q = 1/T, T*E steps).\n' +
        'deterministic is exact; shuffle and persistent-shuffle are certified LOWER bounds (no tight upper\n' +
        'bound is known); poisson is a certified upper bound.',
    );
  cmd.addOption(
    new Option(
      '--plot',
      `also draw epsilon against epochs (1 to E, at most ${PLOT_POINTS} points) for each sampler as a text chart (needs --delta)`,
    ),
  );
  addOptions(cmd, KEYS, {
    epochs: 'number of epochs E (a whole number)',
    batchSize: 'batch size; T = ceil(dataset-size / batch-size)',
    delta: 'compare epsilons at this delta',
    epsilon: 'compare deltas at this epsilon',
  }).addHelpText(
    'after',
    `
Examples:
  dpacct compare --sigma 1.1 --batch-size 256 --dataset-size 60000 --epochs 1 --delta 1e-5
  dpacct compare --sigma 0.8 --steps-per-epoch 1000 --epochs 5 --epsilon 4 --json
  dpacct compare --sigma 1 --steps-per-epoch 100 --epochs 1 --delta 1e-3 --samples 100000 --seed 7
  dpacct compare --sigma 1.1 --steps-per-epoch 235 --epochs 20 --delta 1e-5 --plot

balls-and-bins shows its certified interval (random-allocation PLD); --method decomposition or rdp shows
a cheaper, looser upper bound instead (Feldman & Shenfeld 2025), and --samples adds a Monte Carlo estimate.`,
  );
  cmd.action(async (raw: Record<string, unknown>) => {
    const f = readOptions(raw, KEYS);
    const problems: string[] = [];
    if (f.sigma === undefined) problems.push('--sigma: missing, expected a number > 0 (the noise multiplier)');
    if (f.stepsPerEpoch === undefined && f.batchSize === undefined)
      problems.push('--steps-per-epoch: missing, give --steps-per-epoch, or --batch-size with --dataset-size');
    if (f.stepsPerEpoch !== undefined && f.batchSize !== undefined)
      problems.push('give --steps-per-epoch or --batch-size with --dataset-size, not both');
    if ((f.batchSize === undefined) !== (f.datasetSize === undefined))
      problems.push(
        f.batchSize === undefined
          ? '--batch-size: missing, expected a positive integer (goes with --dataset-size)'
          : '--dataset-size: missing, expected a positive integer (goes with --batch-size)',
      );
    if (f.batchSize !== undefined && f.datasetSize !== undefined && f.batchSize > f.datasetSize)
      problems.push(new InputError('--batch-size', `at most --dataset-size (${f.datasetSize})`, f.batchSize).message);
    if (f.epochs === undefined) problems.push('--epochs: missing, expected a whole number > 0');
    else if (!Number.isInteger(f.epochs)) problems.push(new InputError('--epochs', 'a whole number > 0', f.epochs).message);
    if ((f.delta === undefined) === (f.epsilon === undefined))
      problems.push('give --delta (to compare epsilons) or --epsilon (to compare deltas), one of the two');
    const plot = raw.plot === true;
    if (plot && f.epsilon !== undefined)
      problems.push('--plot: draws epsilon against epochs at --delta; give --delta instead of --epsilon');
    if (problems.length) throw new InputErrors(problems);

    const notes: string[] = [];
    let stepsPerEpoch = f.stepsPerEpoch;
    if (stepsPerEpoch === undefined) {
      stepsPerEpoch = Math.ceil(f.datasetSize! / f.batchSize!);
      if (f.datasetSize! % f.batchSize! !== 0)
        notes.push(
          `${f.datasetSize} / ${f.batchSize} = ${f.datasetSize! / f.batchSize!} batches per epoch, counted as T = ${stepsPerEpoch} (the last batch is smaller)`,
        );
    }
    if (f.samples === undefined) {
      for (const key of ['seed', 'confidence'] as const)
        if (f[key] !== undefined) throw new InputErrors([`--${key}: only with --samples (the balls-and-bins Monte Carlo row)`]);
      notes.push('balls-and-bins: add --samples N (and --seed S) for its Monte Carlo estimate');
    }
    const { compareSamplerRows } = await import('../spec/compare.js');
    const query =
      f.delta !== undefined ? ({ quantity: 'epsilon', delta: f.delta } as const) : ({ quantity: 'delta', epsilon: f.epsilon! } as const);
    const monteCarlo = {
      ...(f.samples !== undefined ? { samples: f.samples } : {}),
      ...(f.seed !== undefined ? { seed: f.seed } : {}),
      ...(f.confidence !== undefined ? { confidence: f.confidence } : {}),
    };
    const rows = await compareSamplerRows(
      {
        noiseMultiplier: f.sigma!,
        stepsPerEpoch,
        epochs: f.epochs!,
        ...(f.discretization !== undefined ? { discretization: f.discretization } : {}),
        ...(f.method !== undefined ? { method: f.method } : {}),
        ...(f.samples !== undefined ? { monteCarlo } : {}),
      },
      query,
      { onProgress: progressReporter(ctx.io, f.quiet) },
    );
    const report: ComparisonReport = {
      quantity: query.quantity,
      rows,
      inputs: {
        noiseMultiplier: f.sigma,
        stepsPerEpoch,
        epochs: f.epochs,
        ...(f.delta !== undefined ? { delta: f.delta } : { epsilon: f.epsilon }),
        discretization: f.discretization ?? 1e-4,
      },
      notes: [
        ...notes,
        'All samplers at the same noise multiplier, steps per epoch and epochs.',
        'Shuffling figures are lower bounds: the gap to Poisson is at least the ratio shown.',
      ],
    };
    if (!plot) {
      ctx.finish({ stdout: f.json ? stringify(comparisonJson(report)) : comparisonTable(report, ctx.style(false)), exitCode: 0 });
      return;
    }
    const { epochPoints, samplerCurves } = await import('../report/epochs.js');
    const curves = await samplerCurves(
      {
        noiseMultiplier: f.sigma!,
        stepsPerEpoch,
        delta: f.delta!,
        ...(f.discretization !== undefined ? { discretization: f.discretization } : {}),
      },
      epochPoints(f.epochs!, PLOT_POINTS),
      progressReporter(ctx.io, f.quiet, 'epochs'),
    );
    if (f.json) {
      const plotJson = {
        epochs: curves.epochs,
        series: curves.series.map((s) => ({
          sampler: s.sampler,
          kind: s.figures[0]?.kind,
          epsilon: s.figures.map((x) => (Number.isFinite(x.value) ? x.value : null)),
        })),
      };
      ctx.finish({ stdout: stringify({ ...comparisonJson(report), plot: plotJson }), exitCode: 0 });
      return;
    }
    const { samplerChart } = await import('../output/textChart.js');
    ctx.finish({
      stdout: comparisonTable(report, ctx.style(false)) + '\n' + samplerChart(curves, f.delta!).join('\n') + '\n',
      exitCode: 0,
    });
  });
}
