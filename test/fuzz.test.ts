/**
 * Issue 9: the fuzz suite that keeps wrong figures, internal errors and misleading messages out. Seeded
 * (reproducible), cheap (coarse grids, few compositions, no timed assertions):
 * 1. generated flag sets and spec mutations: exit 0/1/2/3 only; no NaN, Infinity, undefined or "not a
 *    number" in any output; an exit 2 is one line naming a flag or a JSON path;
 * 2. monotonicity for every sampler: epsilon does not fall with more steps or epochs, smaller sigma or
 *    larger q;
 * 3. a random search over extreme parameters against an independent lower bound on the truth: no finite
 *    figure where the truth is beyond float64, and no upper bound below a lower bound.
 */
import fc from 'fast-check';
import { cli } from './cliHelpers.js';
import { normalLogSf } from '../src/numeric/normal.js';

const SEED = 20261201;
type Out = { stdout: string; stderr: string; exitCode: number };

/** The invariants every run of the CLI keeps, whatever the input. */
function expectClean(r: Out, context: unknown): void {
  const where = JSON.stringify(context);
  if (![0, 1, 2, 3].includes(r.exitCode)) throw new Error(`exit ${r.exitCode} for ${where}: ${r.stderr}`);
  // what the user typed may come back quoted (got "NaN"): only dpacct's own words are checked
  const text = (r.stdout + r.stderr).replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
  const bad = /\bNaN\b|\bInfinity\b|\bundefined\b|not a number/.exec(text);
  if (bad) throw new Error(`"${bad[0]}" in the output of ${where}:\n${text}`);
  if (r.exitCode === 2) {
    // --json: one JSON object {"error": {path, message, exitCode}} (and "errors" when there are several)
    if (r.stderr.startsWith('{')) {
      const body = JSON.parse(r.stderr) as { error: { path: string | null; message: string; exitCode: number }; errors?: unknown[] };
      if (body.error.exitCode !== 2) throw new Error(`JSON error with exit code ${body.error.exitCode} for ${where}`);
      if (!NAMED.test(body.error.path !== null ? `${body.error.path}: ${body.error.message}` : body.error.message))
        throw new Error(`JSON error without a flag or path for ${where}: ${r.stderr}`);
      return;
    }
    // one problem, one line: every line names a flag or a JSON path, and no path is named twice
    const lines = r.stderr.trim().split('\n');
    const paths = new Set<string>();
    for (const line of lines) {
      if (!/^error: /.test(line) || !NAMED.test(line.slice(7))) throw new Error(`exit 2 without a flag or path for ${where}: ${line}`);
      const path = line.slice(7).split(': ')[0];
      if (paths.has(path)) throw new Error(`${path} named twice for ${where}:\n${r.stderr}`);
      paths.add(path);
    }
  }
}

/** A message that starts with what it is about: a flag, a JSON path, the spec source, or a choice between flags. */
const NAMED =
  /^(--[a-z][a-z0-9-]*|[A-Za-z$_][\w$]*(\[\d+\])?( \([^)]*\))?(\.[A-Za-z$_][\w$]*(\[\d+\])?)*|stdin|SPEC|"[^"]*"|give |unknown (option|command)|too many arguments|option '--|missing required argument|no command given)/;

// ---------------------------------------------------------------------------------------------------------
// 1. flag sets

/** Numbers a user might type, ordinary and extreme, and text that is not a number. */
const numberText = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('1', '0.5', '0.01', '2', '10', '100', '1e-5', '1e-3', '8') },
  { weight: 3, arbitrary: fc.double({ min: -10, max: 1e6, noNaN: true }).map((x) => String(x)) },
  { weight: 2, arbitrary: fc.integer({ min: -300, max: 300 }).map((e) => `1e${e}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '0',
      '-1',
      '5e-324',
      '1e400',
      'NaN',
      'Infinity',
      '',
      'abc',
      '0x10',
      '1,2',
      '0.9999999999999999',
      '9007199254740993',
    ),
  },
);

const SAMPLERS = [
  'poisson',
  'deterministic',
  'shuffle',
  'persistent-shuffle',
  'balls-and-bins',
  'truncated-poisson',
  'fixed-size',
  'random',
];

/** One command line of epsilon / delta: a few flags chosen at random, values from numberText. */
const flagSet = fc
  .record({
    command: fc.constantFrom('epsilon', 'delta'),
    sampler: fc.option(fc.constantFrom(...SAMPLERS), { nil: undefined }),
    flags: fc.dictionary(
      fc.constantFrom(
        '--sigma',
        '--sampling-rate',
        '--steps',
        '--epochs',
        '--steps-per-epoch',
        '--batch-size',
        '--dataset-size',
        '--max-batch-size',
        '--samples',
        '--seed',
        '--confidence',
        '--examples-per-user',
      ),
      numberText,
      { maxKeys: 5 },
    ),
    query: numberText,
    adjacency: fc.option(fc.constantFrom('add-remove', 'replace-one', 'zero-out', 'other'), { nil: undefined }),
    accountant: fc.option(fc.constantFrom('pld', 'rdp'), { nil: undefined }),
    json: fc.boolean(),
  })
  .map((o) => {
    const args = [o.command, ...Object.entries(o.flags).flat(), o.command === 'epsilon' ? '--delta' : '--epsilon', o.query];
    if (o.sampler) args.push('--sampler', o.sampler);
    if (o.adjacency) args.push('--adjacency', o.adjacency);
    if (o.accountant) args.push('--accountant', o.accountant);
    if (o.json) args.push('--json');
    // cheap: a coarse PLD grid, Monte Carlo bounded in cost and time
    args.push('--discretization', '0.05', '--quiet');
    if (o.sampler === 'balls-and-bins') args.push('--cost-limit', '0.5', '--max-seconds', '0.2');
    return args;
  });

/** Flag sets that would need long compositions (many PLD steps at fine noise) are skipped, not timed. */
function affordable(args: string[]): boolean {
  const get = (flag: string) => {
    const i = args.indexOf(flag);
    return i < 0 ? undefined : Number(args[i + 1]);
  };
  const steps = get('--steps') ?? 0;
  const epochs = get('--epochs') ?? 0;
  const perEpoch = get('--steps-per-epoch') ?? 0;
  const rate = get('--sampling-rate') ?? 1;
  const sigma = get('--sigma') ?? 1;
  const sampler = args[args.indexOf('--sampler') + 1];
  const shuffled = args.includes('--sampler') && ['shuffle', 'persistent-shuffle', 'balls-and-bins'].includes(sampler);
  // compositions over epochs, max-statistic bounds of many steps and Monte Carlo take seconds each under
  // jest: shuffling only for one epoch of few steps; balls-and-bins only where its cost limit refuses it
  if (shuffled && (epochs > 1 || perEpoch > 100 || (get('--steps') ?? 0) > 100)) return false;
  if (sampler === 'balls-and-bins' && args.includes('--sampler') && !((get('--samples') ?? 0) > 1e7)) return false;
  if (perEpoch > 1e4) return false;
  const totalSteps = Math.max(steps, rate > 0 && rate < 1 ? epochs / rate : epochs * Math.max(1, perEpoch));
  if (totalSteps > 1e5 && !args.includes('rdp')) return false;
  if (sigma > 0 && sigma < 0.3 && rate < 1 && !args.includes('rdp')) return false;
  return true;
}

test('generated flag sets: exit 0/1/2/3, no NaN/Infinity/undefined, exit 2 is one line naming a flag', async () => {
  let ran = 0;
  await fc.assert(
    fc.asyncProperty(flagSet, async (args) => {
      if (!affordable(args)) return;
      ran++;
      expectClean(await cli(args), args);
    }),
    { seed: SEED, numRuns: 1500 },
  );
  expect(ran).toBeGreaterThan(500);
});

test('commands, help and odd argument lists', async () => {
  const lines: string[][] = [
    ['help', 'epsilon'],
    ['help', 'nope'],
    ['help'],
    ['schema', '--quiet'],
    ['epsilon', '--epsilon', '1'],
    ['--sigma'],
    ['epsilon', '--sigma', '--delta'],
    ['compare', '--seed', '3'],
    ['calibrate', '--target', 'steps'],
    ['run'],
    ['check', '/nonexistent.json'],
    ['epsilon', '--sigma', '1', '--sampling-rate', '1', '--steps', '1', '--delta', '1e-5', '--', 'x'],
  ];
  for (const args of lines) expectClean(await cli(args), args);
});

// ---------------------------------------------------------------------------------------------------------
// 1b. spec mutations

const base = {
  delta: 1e-5,
  budget: { epsilon: 8, delta: 1e-5 },
  accountant: { name: 'pld', discretization: 0.05, samples: 200, costLimitSeconds: 0.5, maxSeconds: 0.2 },
  stages: [
    { mechanism: { kind: 'gaussian', noiseMultiplier: 1 }, sampler: { kind: 'poisson', rate: 0.5 }, steps: 4 },
    { mechanism: { kind: 'laplace', scale: 1 }, steps: 2 },
  ],
};
const SPEC_NUMBERS: (string | number)[][] = [
  ['delta'],
  ['budget', 'epsilon'],
  ['budget', 'delta'],
  ['accountant', 'discretization'],
  ['accountant', 'samples'],
  ['stages', 0, 'mechanism', 'noiseMultiplier'],
  ['stages', 0, 'sampler', 'rate'],
  ['stages', 0, 'steps'],
  ['stages', 1, 'mechanism', 'scale'],
  ['stages', 1, 'steps'],
];
const extreme = fc.oneof(
  fc.constantFrom(0, -1, 1, 0.5, 1e-300, 5e-324, 1e300, 1e15, 9007199254740993, 0.9999999999999999, 1e-160, 1e160),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const mutation = fc.oneof(
  fc.tuple(fc.constantFrom(...SPEC_NUMBERS), extreme).map(([path, value]) => ({ path, value: value as unknown })),
  fc.tuple(fc.constantFrom(...SPEC_NUMBERS), fc.constantFrom<unknown>('1', null, true, [], {})).map(([path, value]) => ({ path, value })),
  fc
    .tuple(
      fc.constantFrom(['stages', 0, 'sampler', 'kind'], ['stages', 0, 'mechanism', 'kind'], ['adjacency']),
      fc.constantFrom(...SAMPLERS, 'gaussian', 'laplace', 'replace-one', 'zero-out'),
    )
    .map(([path, value]) => ({ path: [...path] as (string | number)[], value: value as unknown })),
);

function mutate(spec: unknown, path: (string | number)[], value: unknown): string {
  const copy = JSON.parse(JSON.stringify(spec)) as Record<string | number, unknown>;
  let x = copy;
  for (const k of path.slice(0, -1)) x = x[k] as Record<string | number, unknown>;
  x[path[path.length - 1]] = value;
  // 1e400-style literals are what JSON.stringify cannot write: put them back as text
  return JSON.stringify(copy, (_, v) => (v === Infinity ? '__INF__' : v)).replace(/"__INF__"/g, '1e400');
}

test('spec mutations through run and check', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.constantFrom('run', 'check'), async (changes, command) => {
      let text = JSON.stringify(base);
      for (const c of changes) text = mutate(JSON.parse(text), c.path, c.value);
      const spec = JSON.parse(text) as typeof base;
      const s0 = spec.stages?.[0] as
        | { steps?: unknown; mechanism?: { noiseMultiplier?: unknown }; sampler?: { rate?: unknown } }
        | undefined;
      const steps = typeof s0?.steps === 'number' ? s0.steps : 0;
      const sigma = typeof s0?.mechanism?.noiseMultiplier === 'number' ? s0.mechanism.noiseMultiplier : 1;
      const kind = (s0 as { sampler?: { kind?: unknown } } | undefined)?.sampler?.kind;
      const h = (spec.accountant as { discretization?: unknown } | undefined)?.discretization;
      // long compositions, Monte Carlo lower bounds and grids far finer than the default (the finest grid that
      // fits the memory bound, ~10 s for 5e-324): seconds each under jest, not for a fuzz budget
      if (steps > 1e4 || (sigma < 0.3 && sigma > 0) || kind === 'balls-and-bins' || kind === 'truncated-poisson') return;
      if (typeof h === 'number' && h > 0 && h < 1e-4) return;
      expectClean(await cli([command, '-'], { stdin: text }), changes);
    }),
    { seed: SEED, numRuns: 120 },
  );
});

// ---------------------------------------------------------------------------------------------------------
// 2. monotonicity

async function epsilonOf(args: string[]): Promise<number> {
  const r = await cli(['epsilon', ...args, '--json', '--quiet']);
  if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode} for ${JSON.stringify(args)}: ${r.stderr}`);
  const j = JSON.parse(r.stdout) as { epsilon: number | null; infinite?: boolean };
  return j.infinite ? Infinity : j.epsilon!;
}

/** Sampler flags for (sigma, T, E), each the cheapest form that sampler takes. */
const SAMPLER_ARGS: Record<string, (sigma: number, T: number, E: number) => string[]> = {
  poisson: (s, T, E) => ['--sigma', String(s), '--steps-per-epoch', String(T), '--epochs', String(E)],
  deterministic: (s, T, E) => ['--sampler', 'deterministic', '--sigma', String(s), '--steps-per-epoch', String(T), '--epochs', String(E)],
  shuffle: (s, T, E) => ['--sampler', 'shuffle', '--sigma', String(s), '--steps-per-epoch', String(T), '--epochs', String(E)],
  'persistent-shuffle': (s, T, E) => [
    '--sampler',
    'persistent-shuffle',
    '--sigma',
    String(s),
    '--steps-per-epoch',
    String(T),
    '--epochs',
    String(E),
  ],
  // its headline without Monte Carlo is the certified upper bound; samples kept tiny
  'balls-and-bins': (s, T, E) => [
    '--sampler',
    'balls-and-bins',
    '--sigma',
    String(s),
    '--steps-per-epoch',
    String(T),
    '--epochs',
    String(E),
    '--samples',
    '1',
    '--seed',
    '1',
  ],
  'truncated-poisson': (s, T, E) => [
    '--sampler',
    'truncated-poisson',
    '--sigma',
    String(s),
    '--batch-size',
    '10',
    '--dataset-size',
    String(10 * T),
    '--max-batch-size',
    '30',
    '--epochs',
    String(E),
  ],
  'fixed-size': (s, T, E) => [
    '--sampler',
    'fixed-size',
    '--adjacency',
    'replace-one',
    '--sigma',
    String(s),
    '--batch-size',
    '10',
    '--dataset-size',
    String(10 * T),
    '--epochs',
    String(E),
  ],
};

describe('epsilon does not fall with more epochs, smaller sigma or larger q, for every sampler', () => {
  const common = ['--delta', '1e-5', '--discretization', '0.01'];
  // lower bounds (shuffling) and Monte Carlo-free headlines may move by grid rounding: a tiny relative slack
  const atLeast = (later: number, earlier: number) => later >= earlier * (1 - 1e-6) - 1e-9;
  test.each(Object.keys(SAMPLER_ARGS))('%s', async (sampler) => {
    const f = SAMPLER_ARGS[sampler];
    const T = 4;
    const e1 = await epsilonOf([...f(2, T, 1), ...common]);
    const e2 = await epsilonOf([...f(2, T, 2), ...common]);
    expect(atLeast(e2, e1)).toBe(true);
    if (sampler === 'balls-and-bins') return; // (its lower and upper bounds take seconds each; one pair is enough)
    const e2s = await epsilonOf([...f(1.5, T, 2), ...common]);
    expect(atLeast(e2s, e2)).toBe(true);
  });

  test('Poisson: larger q at equal steps', async () => {
    const at = (q: number) => epsilonOf(['--sigma', '1', '--sampling-rate', String(q), '--steps', '20', ...common]);
    const qs = [0.01, 0.1, 0.5, 1];
    const eps = [];
    for (const q of qs) eps.push(await at(q));
    for (let i = 1; i < eps.length; i++) expect(atLeast(eps[i], eps[i - 1])).toBe(true);
  });

  test('random settings: more steps never lowers the certified Poisson epsilon (PLD and RDP)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0.5, max: 5, noNaN: true }),
        fc.double({ min: 1e-3, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom('pld', 'rdp'),
        async (sigma, q, steps, accountant) => {
          const at = (n: number) =>
            epsilonOf([
              '--sigma',
              String(sigma),
              '--sampling-rate',
              String(q),
              '--steps',
              String(n),
              '--accountant',
              accountant,
              ...common,
            ]);
          expect(atLeast(await at(steps + 1), await at(steps))).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 8 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// 3. extreme parameters against an independent lower bound

/**
 * A lower bound on eps(delta) of k >= 1 steps of the q-subsampled Gaussian (sensitivity 1, noise sigma), from
 * one step and the test set {x > 1} (composition only adds loss): with P = q N(1, s^2) + (1 - q) N(0, s^2) and
 * Q = N(0, s^2), delta(eps) >= P(x > 1) - e^eps Q(x > 1) >= q/2 - e^eps Q(x > 1), so
 * eps(delta) >= ln(q/2 - delta) - ln Q(x > 1). Independent of dpacct's accountants (one normal tail).
 */
function independentLowerEpsilon(sigma: number, q: number, delta: number): number {
  if (!(q / 2 > delta)) return 0;
  return Math.max(0, Math.log(q / 2 - delta) - normalLogSf(1 / sigma));
}

test('extreme sigma, q, steps and delta: no finite figure where the truth is beyond float64, upper >= lower', async () => {
  const logUniform = (lo: number, hi: number) => fc.double({ min: Math.log10(lo), max: Math.log10(hi), noNaN: true }).map((e) => 10 ** e);
  let checked = 0;
  await fc.assert(
    fc.asyncProperty(
      logUniform(1e-300, 1e300),
      fc.oneof(fc.constant(1), logUniform(1e-300, 1)),
      fc.oneof(fc.integer({ min: 1, max: 10 }), logUniform(1, 1e15).map(Math.ceil)),
      logUniform(1e-300, 0.999),
      fc.constantFrom('pld', 'rdp'),
      async (sigma, q, steps, delta, accountant) => {
        // PLD compositions of many subsampled steps at moderate noise take seconds: RDP covers those
        const heavy = q < 1 && steps > 1000 && sigma < 1e3 && sigma > 0.2;
        const use = heavy ? 'rdp' : accountant;
        const args = [
          'epsilon',
          '--sigma',
          String(sigma),
          '--sampling-rate',
          String(q),
          '--steps',
          String(steps),
          '--delta',
          String(delta),
          '--accountant',
          use,
          '--discretization',
          '0.05',
          '--json',
        ];
        const r = await cli(args);
        expectClean(r, args);
        if (r.exitCode !== 0) return; // refused (exit 2 out of range, exit 3 cannot certify): never a number
        checked++;
        const j = JSON.parse(r.stdout) as {
          epsilon: number | null;
          infinite?: boolean;
          kind: string;
          lower?: number;
          upper?: number | null;
        };
        const upper = j.infinite ? Infinity : (j.upper ?? j.epsilon!);
        const truthAtLeast = independentLowerEpsilon(sigma, q, delta);
        if (!Number.isFinite(truthAtLeast)) expect(upper).toBe(Infinity);
        expect(upper).toBeGreaterThanOrEqual(truthAtLeast * (1 - 1e-9));
        if (j.lower !== undefined) expect(upper).toBeGreaterThanOrEqual(j.lower);
      },
    ),
    { seed: SEED, numRuns: 100 },
  );
  expect(checked).toBeGreaterThan(30);
});
