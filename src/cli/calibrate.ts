/** `dpacct calibrate`: the noise, length or batch that meets a target epsilon at a delta. */
import type { Command } from 'commander';
import { COMMANDS } from './commands.js';
import { InputErrors } from '../errors.js';
import { calibrationJson, stringify } from '../output/json.js';
import { calibrationTable } from '../output/table.js';
import type { CalibrationParameter } from '../result.js';
import { calibration, type CommandContext } from './context.js';
import { addOptions, readOptions } from './options.js';
import { checkTrainingFlags, TRAINING_OPTIONS, trainingPlan, type StageParameter, type TrainingFlags } from './training.js';
import { progressReporter } from './progress.js';

const KEYS = [...TRAINING_OPTIONS, 'target', 'targetEpsilon', 'delta', 'quiet', 'json'] as const; // --quiet accepted like everywhere (calibrate runs no Monte Carlo)

interface Target {
  readonly free: StageParameter;
  readonly set: (f: TrainingFlags, x: number) => TrainingFlags;
  readonly min: (f: TrainingFlags) => number;
  readonly max: (f: TrainingFlags) => number;
  readonly start: (f: TrainingFlags) => number;
  readonly integer: boolean;
}

const TARGETS: Record<CalibrationParameter, Target> = {
  sigma: { free: 'sigma', set: (f, x) => ({ ...f, sigma: x }), min: () => 0.05, max: () => 1e4, start: () => 1, integer: false },
  steps: {
    free: 'length',
    set: (f, x) => ({ ...f, steps: x, epochs: undefined }),
    min: () => 1,
    max: () => 1e9,
    start: () => 1000,
    integer: true,
  },
  epochs: {
    free: 'length',
    set: (f, x) => ({ ...f, epochs: x, steps: undefined }),
    min: () => 1,
    max: () => 1e6,
    start: () => 10,
    integer: true,
  },
  'sampling-rate': {
    free: 'sampling',
    set: (f, x) => ({ ...f, samplingRate: x, batchSize: undefined, datasetSize: undefined, stepsPerEpoch: undefined }),
    min: () => 1e-9,
    max: () => 1,
    start: () => 0.01,
    integer: false,
  },
  'batch-size': {
    free: 'sampling',
    set: (f, x) => ({ ...f, batchSize: x, samplingRate: undefined, stepsPerEpoch: undefined }),
    min: () => 1,
    max: (f) => f.datasetSize!,
    start: (f) => Math.max(1, Math.ceil(f.datasetSize! / 100)),
    integer: true,
  },
};

export function registerCalibrate(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('calibrate')
    .summary(COMMANDS['calibrate'].summary)
    .description(
      'Calibrates one parameter of a DP-SGD run so that epsilon at --delta is at most --epsilon.\n' +
        'One-sided: the printed value meets the target. From a certified upper bound (pld, rdp, deterministic)\n' +
        'the value is SUFFICIENT; from a lower bound (shuffle, balls-and-bins) it is only NECESSARY. The output says which.\n' +
        '  --target sigma          smallest noise multiplier (give the sampling and the length)\n' +
        '  --target steps|epochs   largest number of steps or epochs (give --sigma and the sampling)\n' +
        '  --target sampling-rate  largest Poisson rate q (give --sigma and the length)\n' +
        '  --target batch-size     largest batch size (give --sigma, --dataset-size and the length)',
    );
  addOptions(cmd, KEYS, { targetEpsilon: 'target epsilon (> 0)' }).addHelpText(
    'after',
    `
Examples:
  dpacct calibrate --epsilon 8 --delta 1e-5 --sampling-rate 0.004267 --steps 14063
  dpacct calibrate --target epochs --epsilon 3 --delta 1e-5 --sigma 1.1 --batch-size 256 --dataset-size 60000
  dpacct calibrate --target batch-size --epsilon 8 --delta 1e-5 --sigma 1.0 --dataset-size 60000 --epochs 10 --json`,
  );
  cmd.action(async (raw: Record<string, unknown>) => {
    const flags = readOptions(raw, KEYS);
    const parameter: CalibrationParameter = flags.target ?? 'sigma';
    const target = TARGETS[parameter];
    const problems: string[] = [];
    if (flags.targetEpsilon === undefined) problems.push('--epsilon: missing, expected a number > 0 (the target epsilon)');
    if (flags.delta === undefined) problems.push('--delta: missing, expected a number in (0, 1)');
    if (parameter === 'batch-size' && flags.datasetSize === undefined)
      problems.push('--dataset-size: missing, expected a positive integer (needed by --target batch-size)');
    if (parameter === 'sampling-rate' && (flags.sampler ?? 'poisson') !== 'poisson')
      problems.push('--target sampling-rate: only with --sampler poisson (use --target batch-size)');
    for (const key of ['samples', 'seed', 'confidence'] as const)
      if (flags[key] !== undefined) problems.push(`--${key}: not used by calibrate (it uses certified bounds, not Monte Carlo)`);
    if (parameter !== 'sigma' && ['shuffle', 'persistent-shuffle', 'balls-and-bins'].includes(flags.sampler ?? 'poisson'))
      problems.push(`--target ${parameter}: with --sampler ${flags.sampler} only --target sigma is supported`);
    else if (parameter === 'steps' && (flags.sampler ?? 'poisson') !== 'poisson')
      problems.push(`--target steps: with --sampler ${flags.sampler} steps come in whole epochs; use --target epochs`);
    const given: Record<StageParameter, [boolean, string]> = {
      sigma: [flags.sigma !== undefined, '--sigma'],
      length: [flags.steps !== undefined || flags.epochs !== undefined, '--steps/--epochs'],
      sampling: [
        flags.samplingRate !== undefined || flags.batchSize !== undefined || flags.stepsPerEpoch !== undefined,
        '--sampling-rate/--batch-size/--steps-per-epoch',
      ],
    };
    if (given[target.free][0])
      problems.push(`${given[target.free][1]}: not allowed with --target ${parameter} (that is what is calibrated)`);
    if (problems.length) throw new InputErrors(problems);
    const base: TrainingFlags = parameter === 'batch-size' ? { ...flags, batchSize: 1 } : flags;
    checkTrainingFlags(base, [target.free]);
    const delta = flags.delta!;
    const { calibrate } = await calibration();
    const report = await calibrate({
      parameter,
      build: (x: number) => trainingPlan(target.set(base, x), { delta }),
      target: { epsilon: flags.targetEpsilon!, delta },
      min: target.min(base),
      max: target.max(base),
      start: target.start(base),
      integer: target.integer,
      onProgress: progressReporter(ctx.io, flags.quiet, 'calibrating'),
    });
    ctx.finish({ stdout: flags.json ? stringify(calibrationJson(report)) : calibrationTable(report, ctx.style(false)), exitCode: 0 });
  });
}
