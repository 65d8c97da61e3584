/**
 * The one table of command-line options: flag text, help, and how the value is checked. Commands pick
 * options from it by key; `readOptions` turns commander's raw strings into typed values, refusing
 * anything outside the allowed range with `--flag: expected ..., got ...` (InputError, exit 2).
 */
import { Option, type Command } from 'commander';
import { InputError } from '../errors.js';
import { domains, parseNumberText, type NumberDomain } from '../domains.js';
import { ACCOUNTANTS, ADJACENCIES, ALLOCATION_METHODS, SAMPLER_KINDS } from '../spec/schema.js';

interface NumberOption {
  readonly type: 'number';
  readonly flags: string;
  readonly help: string;
  readonly domain: NumberDomain;
}
/** A comma-separated list of numbers of one domain, e.g. `--epsilon 0.5,1,2`; one item is a list of one. */
interface NumberListOption {
  readonly type: 'numberList';
  readonly flags: string;
  readonly help: string;
  readonly domain: NumberDomain;
}
interface ChoiceOption<C extends readonly string[]> {
  readonly type: 'choice';
  readonly flags: string;
  readonly help: string;
  readonly choices: C;
}
interface BooleanOption {
  readonly type: 'boolean';
  readonly flags: string;
  readonly help: string;
}

const num = (flags: string, domain: NumberDomain, help: string): NumberOption => ({ type: 'number', flags, help, domain });
const numList = (flags: string, domain: NumberDomain, help: string): NumberListOption => ({ type: 'numberList', flags, help, domain });
const choice = <const C extends readonly string[]>(flags: string, choices: C, help: string): ChoiceOption<C> => ({
  type: 'choice',
  flags,
  help,
  choices,
});
const bool = (flags: string, help: string): BooleanOption => ({ type: 'boolean', flags, help });

export const CALIBRATION_TARGETS = ['sigma', 'steps', 'epochs', 'sampling-rate', 'batch-size'] as const;

export const OPTIONS = {
  sigma: num('--sigma <number>', domains.positive, 'noise multiplier: noise std / clip norm (> 0)'),
  samplingRate: num('--sampling-rate <q>', domains.rate, 'Poisson sampling rate q in (0, 1]'),
  batchSize: num('--batch-size <n>', domains.positiveInteger, 'batch size (expected size for Poisson); needs --dataset-size'),
  datasetSize: num('--dataset-size <n>', domains.positiveInteger, 'number of privacy units in the dataset'),
  maxBatchSize: num(
    '--max-batch-size <n>',
    domains.positiveInteger,
    'maximum batch size: larger Poisson batches are cut at random (truncated-poisson sampler; needs --batch-size and --dataset-size)',
  ),
  examplesPerUser: num(
    '--examples-per-user <k>',
    domains.positiveInteger,
    'user-level privacy: each user has k examples and the sampler draws examples',
  ),
  stepsPerEpoch: num('--steps-per-epoch <T>', domains.positiveInteger, 'batches per epoch (instead of --batch-size/--dataset-size)'),
  steps: num('--steps <n>', domains.steps, 'number of training steps'),
  epochs: num('--epochs <E>', domains.epochs, 'number of epochs: steps = ceil(E * dataset / batch) (rounded up)'),
  delta: num('--delta <delta>', domains.openProbability, 'delta in (0, 1)'),
  epsilon: num('--epsilon <eps>', domains.nonNegative, 'epsilon >= 0'),
  epsilons: numList(
    '--epsilon <eps,...>',
    domains.nonNegative,
    'epsilon >= 0, or several comma-separated (0.5,1,2,4,8) for the curve delta(epsilon)',
  ),
  targetEpsilon: num('--epsilon <eps>', domains.positive, 'target epsilon (> 0)'),
  maxEpsilon: num('--max-epsilon <eps>', domains.positive, "budget epsilon; overrides the spec's budget.epsilon"),
  accountant: choice('--accountant <name>', ACCOUNTANTS, 'pld (tight, default) or rdp (looser upper bound)'),
  discretization: num('--discretization <h>', domains.discretization, 'fixed PLD grid interval (default: chosen for --precision)'),
  precision: num(
    '--precision <R>',
    domains.precision,
    'PLD target relative width (upper - lower) / upper, default 0.001; the grid is refined until it is met or the work bound is reached',
  ),
  method: choice(
    '--method <name>',
    ALLOCATION_METHODS,
    'balls-and-bins bound: pld (default, certified interval), decomposition (one epoch) or rdp: looser upper bounds of Feldman & Shenfeld 2025',
  ),
  adjacency: choice('--adjacency <kind>', ADJACENCIES, 'neighbouring datasets (default add-remove)'),
  sampler: choice('--sampler <kind>', SAMPLER_KINDS, 'batch sampler used in training (default poisson)'),
  target: choice('--target <parameter>', CALIBRATION_TARGETS, 'what to calibrate (default sigma)'),
  samples: num('--samples <n>', domains.positiveInteger, 'Monte Carlo sample count (balls-and-bins)'),
  seed: num('--seed <n>', domains.nonNegativeInteger, 'random seed: the same seed gives the same numbers'),
  confidence: num('--confidence <c>', domains.confidence, 'confidence of Monte Carlo upper bounds (default 0.99)'),
  units: num('--units <N>', domains.positiveInteger, 'privacy units in the data (users, sequences, examples)'),
  seqLen: num('--seq-len <S>', domains.positiveInteger, 'tokens per sequence'),
  modelSize: num('--model-size <M>', domains.positive, 'model parameters'),
  flops: num('--flops <C>', domains.positive, 'compute budget in FLOPs (6 M B S T)'),
  tolerance: num('--tolerance <t>', domains.openProbability, 'relative loss tolerance in (0, 1) (default 0.01)'),
  modelCount: num('--model-sizes <n>', domains.positiveInteger, 'model sizes searched, log-spaced over the loss model (default 100)'),
  batchCount: num('--batch-sizes <n>', domains.positiveInteger, 'batch sizes searched, log-spaced from 1 to min(N, 2^25) (default 100)'),
  costLimit: num('--cost-limit <seconds>', domains.positive, 'refuse Monte Carlo runs estimated to take longer (default 600)'),
  maxSeconds: num('--max-seconds <s>', domains.positive, 'stop Monte Carlo sampling after this long and report what was reached'),
  quiet: bool('--quiet', 'no progress output on stderr'),
  json: bool('--json', 'print one JSON object instead of a table'),
} as const;

export type OptionKey = keyof typeof OPTIONS;

type ValueOf<O> = O extends NumberOption
  ? number
  : O extends NumberListOption
    ? readonly number[]
    : O extends ChoiceOption<infer C>
      ? C[number]
      : O extends BooleanOption
        ? boolean
        : never;

export type OptionValues<K extends OptionKey> = { -readonly [P in K]?: ValueOf<(typeof OPTIONS)[P]> };

/** commander's attribute name for a flag: `--sampling-rate` -> `samplingRate` */
export function attributeName(flags: string): string {
  const long = /--([a-z0-9-]+)/.exec(flags)![1];
  return long.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function flagName(key: OptionKey): string {
  return /--[a-z0-9-]+/.exec(OPTIONS[key].flags)![0];
}

/** Adds the options to a command; values stay raw strings until `readOptions`. */
export function addOptions(command: Command, keys: readonly OptionKey[], help: Partial<Record<OptionKey, string>> = {}): Command {
  for (const key of keys) {
    const o = OPTIONS[key];
    const text = help[key] ?? o.help;
    // a choice lists its allowed values in the help (unless the text already names them all)
    const values =
      o.type === 'choice' && !(o.choices as readonly string[]).every((c) => text.includes(c)) ? `; one of ${o.choices.join(', ')}` : '';
    const option = new Option(o.flags, text + values);
    if (o.type === 'choice') option.argParser((v: string) => v); // validated in readOptions with our wording
    command.addOption(option);
  }
  return command;
}

/** Typed, range-checked values of the given options from commander's raw `opts()`. */
export function readOptions<K extends OptionKey>(raw: Record<string, unknown>, keys: readonly K[]): OptionValues<K> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const o = OPTIONS[key];
    const value = raw[attributeName(o.flags)];
    if (value === undefined) continue;
    const flag = flagName(key);
    if (o.type === 'boolean') out[key] = value === true;
    else if (o.type === 'number') out[key] = parseNumberText(flag, String(value), o.domain);
    else if (o.type === 'numberList') out[key] = parseNumberList(flag, String(value), o.domain);
    else {
      if (!(o.choices as readonly string[]).includes(String(value)))
        throw new InputError(flag, `one of ${o.choices.join(', ')}`, String(value));
      out[key] = value;
    }
  }
  return out as OptionValues<K>;
}

/**
 * `0.5,1,2` -> [0.5, 1, 2], each item checked like a single value (order kept, nothing dropped). One item
 * fails exactly as a single value would; in a longer list the message also says which item:
 * `--epsilon: expected a number >= 0 at item 2 of 3, got -1`.
 */
export function parseNumberList(flag: string, text: string, domain: NumberDomain): readonly number[] {
  const items = text.split(',');
  if (items.length === 1) return [parseNumberText(flag, text, domain)];
  return items.map((item, i) => {
    try {
      return parseNumberText(flag, item, domain);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      throw new InputError(flag, `${domain.expected} at item ${i + 1} of ${items.length}`, e.got);
    }
  });
}
