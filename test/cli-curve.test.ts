/**
 * The curve delta(epsilon) (issue 2): `dpacct delta --epsilon 0.5,1,2` and specs whose `epsilon` is a list,
 * run in-process through runCli. The curve composes once and queries each epsilon, so its figures must be
 * the very numbers of the single queries (compared with toBe: same code path, no tolerance needed).
 */
import { cli } from './cliHelpers.js';

/** a coarse grid keeps these tests fast; accuracy is tested against references elsewhere */
const coarse = ['--discretization', '1e-3'];
const run = ['--sigma', '1', '--sampling-rate', '0.01', '--steps', '200', ...coarse];

interface Point {
  epsilon: number;
  delta: number;
  kind: string;
  lower?: number;
  upper?: number;
}

async function json(args: string[], o: Parameters<typeof cli>[1] = {}): Promise<Record<string, unknown>> {
  const r = await cli([...args, '--json'], o);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  expect(r.stdout).not.toMatch(/NaN|Infinity/);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** the single-figure fields of one `dpacct delta --epsilon e --json` */
async function single(args: string[], epsilon: number): Promise<Point> {
  const j = await json(['delta', ...args, '--epsilon', String(epsilon)]);
  return {
    epsilon,
    delta: j.delta as number,
    kind: j.kind as string,
    ...(j.lower !== undefined ? { lower: j.lower as number } : {}),
    ...(j.upper !== undefined ? { upper: j.upper as number } : {}),
  };
}

describe('a curve is the single queries, composed once', () => {
  const epsilons = [0.5, 1, 2];
  test.each([
    ['pld, poisson', run],
    ['rdp, poisson', [...run, '--accountant', 'rdp']],
    [
      'pld, deterministic batches (exact)',
      ['--sigma', '1', '--sampler', 'deterministic', '--steps-per-epoch', '10', '--epochs', '2', ...coarse],
    ],
    [
      'pld, shuffle (lower bounds, one query per epsilon)',
      ['--sigma', '1', '--sampler', 'shuffle', '--steps-per-epoch', '10', '--epochs', '1', ...coarse],
    ],
  ])('%s: the same numbers as three single queries', async (_name, args) => {
    const j = await json(['delta', ...args, '--epsilon', epsilons.join(',')]);
    const singles = [];
    for (const e of epsilons) singles.push(await single(args, e));
    expect(j.curve).toEqual(singles);
  });

  test('delta falls as epsilon grows; lower <= upper on every row', async () => {
    const epsilons = [0, 0.25, 0.5, 1, 2, 4];
    for (const accountant of ['pld', 'rdp']) {
      const curve = (await json(['delta', ...run, '--accountant', accountant, '--epsilon', epsilons.join(',')])).curve as Point[];
      expect(curve.map((p) => p.epsilon)).toEqual(epsilons);
      for (let i = 1; i < curve.length; i++) expect(curve[i].delta).toBeLessThan(curve[i - 1].delta);
      for (const p of curve) {
        expect(p.delta).toBeGreaterThanOrEqual(0);
        expect(p.delta).toBeLessThanOrEqual(1);
        if (p.lower !== undefined && p.upper !== undefined) expect(p.lower).toBeLessThanOrEqual(p.upper);
      }
    }
  });

  test('epsilons keep the order given (not sorted), duplicates included', async () => {
    const curve = (await json(['delta', ...run, '--epsilon', '2,0.5,2'])).curve as Point[];
    expect(curve.map((p) => p.epsilon)).toEqual([2, 0.5, 2]);
    expect(curve[0]).toEqual(curve[2]);
    expect(curve[1].delta).toBeGreaterThan(curve[0].delta);
  });
});

describe('bad list items: one line naming the flag and the item, exit 2', () => {
  test.each([
    ['1,-1,2', 'error: --epsilon: expected a number >= 0 at item 2 of 3, got -1'],
    ['1,,2', 'error: --epsilon: expected a number >= 0 at item 2 of 3, got ""'],
    ['1,2,', 'error: --epsilon: expected a number >= 0 at item 3 of 3, got ""'],
    ['1,abc', 'error: --epsilon: expected a number >= 0 at item 2 of 2, got "abc"'],
    ['1,Infinity', 'error: --epsilon: expected a number >= 0 at item 2 of 2, got "Infinity"'],
    ['NaN,1', 'error: --epsilon: expected a number >= 0 at item 1 of 2, got "NaN"'],
    ['1;2', 'error: --epsilon: expected a number >= 0, got "1;2"'],
    // one epsilon: the message of a single value, unchanged
    ['-1', 'error: --epsilon: expected a number >= 0, got -1'],
  ])('--epsilon %s', async (list, line) => {
    expect(await cli(['delta', ...run, '--epsilon', list])).toEqual({ stdout: '', stderr: line + '\n', exitCode: 2 });
  });

  test('missing --epsilon', async () => {
    expect(await cli(['delta', ...run])).toEqual({
      stdout: '',
      stderr: 'error: --epsilon: missing, expected a number >= 0 (or several, comma-separated)\n',
      exitCode: 2,
    });
  });

  test('spaces around items are accepted', async () => {
    const curve = (await json(['delta', ...run, '--epsilon', ' 1 , 2 '])).curve as Point[];
    expect(curve.map((p) => p.epsilon)).toEqual([1, 2]);
  });
});

describe('output shapes', () => {
  test('one epsilon keeps the single-figure JSON shape', async () => {
    const j = await json(['delta', ...run, '--epsilon', '1']);
    expect(j).toMatchObject({
      schemaVersion: 1,
      command: 'delta',
      quantity: 'delta',
      kind: 'upper',
      inputs: { epsilon: 1 },
      accountant: { name: 'pld' },
    });
    expect(typeof j.delta).toBe('number');
    expect(j).not.toHaveProperty('curve');
  });

  test('several epsilons: a curve array in the shared top-level object', async () => {
    const j = await json(['delta', ...run, '--epsilon', '0.5,1,2']);
    expect(Object.keys(j)).toEqual(['schemaVersion', 'version', 'command', 'quantity', 'curve', 'inputs', 'accountant', 'notes']);
    expect(j).toMatchObject({
      schemaVersion: 1,
      command: 'delta',
      quantity: 'delta',
      accountant: { name: 'pld', settings: { discretization: 1e-3 } },
    });
    expect(typeof j.version).toBe('string');
    expect(j).not.toHaveProperty('delta');
    expect((j.inputs as Record<string, unknown>).epsilon).toEqual([0.5, 1, 2]);
    const curve = j.curve as Point[];
    expect(curve).toHaveLength(3);
    for (const p of curve) {
      expect(Object.keys(p)).toEqual(['epsilon', 'delta', 'kind', 'lower', 'upper']);
      expect(p.kind).toBe('upper');
      expect(p.delta).toBe(p.upper);
    }
    // rdp has no lower bound: the key is left out, as in the single-figure shape
    const rdp = (await json(['delta', ...run, '--epsilon', '0.5,1', '--accountant', 'rdp'])).curve as Point[];
    for (const p of rdp) expect(Object.keys(p)).toEqual(['epsilon', 'delta', 'kind', 'upper']);
  });

  test('human output: one row per epsilon with both bounds and the kind', async () => {
    const r = await cli(['delta', ...run, '--epsilon', '0.5,1,2']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toMatch(/NaN|Infinity|\u001b\[/);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('delta at 3 epsilons, per example, add-remove adjacency');
    expect(lines[1].trim().split(/\s{2,}/)).toEqual(['epsilon', 'delta upper bound', 'delta lower bound', 'kind']);
    const rows = lines.slice(2, 5).map((l) => l.trim().split(/\s+/));
    const curve = (await json(['delta', ...run, '--epsilon', '0.5,1,2'])).curve as Point[];
    rows.forEach((row, i) => {
      expect(row[0]).toBe(String(curve[i].epsilon));
      // bounds are rounded in their safe direction
      expect(Number(row[1])).toBeGreaterThanOrEqual(curve[i].upper!);
      expect(Number(row[2])).toBeLessThanOrEqual(curve[i].lower!);
      expect(row[3]).toBe('upper');
    });
    expect(r.stdout).toMatch(/accountant: pld \(discretization 0\.001\)/);
  });

  test('balls-and-bins: certified upper and lower bounds per epsilon, one Monte Carlo run beside them', async () => {
    const bnb = [
      '--sigma',
      '1',
      '--sampler',
      'balls-and-bins',
      '--steps-per-epoch',
      '10',
      '--epochs',
      '1',
      '--samples',
      '2000',
      '--seed',
      '3',
    ];
    const j = await json(['delta', ...bnb, '--epsilon', '0.5,1']);
    expect(j).toMatchObject({ accountant: { name: 'balls-and-bins pld' } });
    const curve = j.curve as Point[];
    for (const p of curve) {
      expect(p.kind).toBe('upper');
      expect(p.lower).toBeLessThanOrEqual(p.delta);
    }
    expect(curve[1].delta).toBeLessThan(curve[0].delta);
  });
});

describe('specs: "epsilon" may be a list', () => {
  const spec = (epsilon: unknown) =>
    JSON.stringify({
      epsilon,
      accountant: { discretization: 1e-3 },
      stages: [{ mechanism: { kind: 'gaussian', noiseMultiplier: 1 }, sampler: { kind: 'poisson', rate: 0.01 }, steps: 200 }],
    });

  test('run prints the curve, the same as dpacct delta with the list', async () => {
    const fromSpec = await json(['run', '-'], { stdin: spec([0.5, 1, 2]) });
    const fromFlags = await json(['delta', ...run, '--epsilon', '0.5,1,2']);
    expect(fromSpec.command).toBe('run');
    expect(fromSpec.curve).toEqual(fromFlags.curve);
    const table = await cli(['run', '-'], { stdin: spec([0.5, 1, 2]) });
    expect(table.stdout).toMatch(/^delta at 3 epsilons/);
  });

  test('run --epsilon takes a list too and overrides the spec', async () => {
    const j = await json(['run', '-', '--epsilon', '1,2'], { stdin: spec(4) });
    expect((j.curve as Point[]).map((p) => p.epsilon)).toEqual([1, 2]);
  });

  test('a list of one keeps the single-figure shape', async () => {
    const j = await json(['run', '-'], { stdin: spec([1]) });
    expect(j).not.toHaveProperty('curve');
    expect(j).toMatchObject({ quantity: 'delta', inputs: { epsilon: 1 } });
  });

  test.each([
    [
      [1, -2, 'a'],
      ['error: epsilon[1]: expected a number >= 0, got -2', 'error: epsilon[2]: expected a number >= 0, got "a"'],
    ],
    [[], ['error: epsilon: expected a non-empty list of numbers >= 0, got []']],
    ['x', ['error: epsilon: expected a number >= 0 or a non-empty list of numbers >= 0, got "x"']],
    [-1, ['error: epsilon: expected a number >= 0, got -1']],
  ])('invalid "epsilon": %j', async (epsilon, lines) => {
    expect(await cli(['run', '-'], { stdin: spec(epsilon) })).toEqual({
      stdout: '',
      stderr: lines.map((l) => l + '\n').join(''),
      exitCode: 2,
    });
  });
});
