/**
 * Output: figures rounded in their safe direction, never NaN/Infinity in text or JSON, colour only on
 * a terminal without NO_COLOR, and the JSON shape every command shares.
 */
import fc from 'fast-check';
import { formatFigure, formatNumber, roundSignificant } from '../src/output/numbers.js';
import { resultJson, stringify, budgetJson } from '../src/output/json.js';
import { resultTable, budgetTable } from '../src/output/table.js';
import { colourWanted, makeStyle } from '../src/output/style.js';
import type { AccountingResult } from '../src/result.js';
import { OUTPUT_SCHEMA_VERSION, VERSION } from '../src/version.js';
import { readFileSync } from 'node:fs';

const plain = makeStyle(false);

const result = (over: Partial<AccountingResult> = {}): AccountingResult => ({
  quantity: 'epsilon',
  value: 2.912341,
  kind: 'upper',
  upper: 2.912341,
  lower: 2.90118,
  inputs: {
    delta: 1e-5,
    adjacency: 'add-remove',
    privacyUnit: 'example',
    stages: [
      {
        label: 'stages[0]',
        mechanism: { kind: 'gaussian', noiseMultiplier: 1.1 },
        sampler: 'poisson',
        samplingRate: 0.0042667,
        steps: 14063,
      },
    ],
  },
  accountant: { name: 'pld', settings: { discretization: 1e-4, adjacency: 'add-remove' } },
  notes: [],
  ...over,
});

describe('figures keep their promise when printed', () => {
  test('upper bounds round up, lower bounds down, exact to nearest', () => {
    expect(formatFigure(2.912341, 'upper')).toBe('2.9124');
    expect(formatFigure(2.912341, 'lower')).toBe('2.9123');
    expect(formatFigure(2.912341, 'exact')).toBe('2.9123');
    expect(formatFigure(1.23456789e-7, 'upper')).toBe('1.2346e-7');
    expect(formatFigure(8, 'upper')).toBe('8');
    expect(formatFigure(Infinity, 'upper')).toBe('infinite');
    expect(formatNumber(NaN)).toBe('not a number');
  });

  test('property: the printed upper bound is >= the value and the printed lower bound <= it', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), (x) => {
        const up = Number(formatFigure(x, 'upper'));
        const down = Number(formatFigure(x, 'lower'));
        expect(up).toBeGreaterThanOrEqual(x);
        expect(down).toBeLessThanOrEqual(x);
        expect(up / x - 1).toBeLessThan(2e-4); // 5 significant digits
        expect(1 - down / x).toBeLessThan(2e-4);
      }),
      { numRuns: 2000 },
    );
  });

  test('roundSignificant is exact on representable inputs', () => {
    expect(roundSignificant(0.12345, 3, 'up')).toBe(0.124);
    expect(roundSignificant(0.12345, 3, 'down')).toBe(0.123);
    expect(roundSignificant(12345, 2, 'up')).toBe(13000);
  });
});

describe('JSON output', () => {
  test('has the headline figure, kind, bounds, inputs, accountant, version and schemaVersion', () => {
    const json = JSON.parse(stringify(resultJson('epsilon', result())));
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(json).toMatchObject({
      schemaVersion: OUTPUT_SCHEMA_VERSION,
      version: pkg.version,
      command: 'epsilon',
      quantity: 'epsilon',
      epsilon: 2.912341,
      kind: 'upper',
      upper: 2.912341,
      lower: 2.90118,
      accountant: { name: 'pld', settings: { discretization: 1e-4 } },
      notes: [],
    });
    expect(VERSION).toBe(pkg.version);
    expect(json.inputs.delta).toBe(1e-5);
  });

  test('an infinite epsilon is null plus infinite: true; no Infinity or NaN anywhere', () => {
    const r = result({ value: Infinity, upper: Infinity, lower: undefined, details: { tail: NaN, nested: { x: -Infinity } } });
    const text = stringify(resultJson('run', r));
    expect(text).not.toMatch(/Infinity|NaN/);
    const json = JSON.parse(text);
    expect(json.epsilon).toBeNull();
    expect(json.infinite).toBe(true);
    expect(json.details).toEqual({ tail: null, nested: { x: null } });
  });
});

describe('tables', () => {
  test('say the kind of every figure in words', () => {
    const text = resultTable(result(), plain);
    expect(text).toMatch(/epsilon <= 2\.9124 +upper bound \(certified/);
    expect(text).toMatch(/>= 2\.9011 +lower bound \(certified\)/);
    expect(text).toMatch(/at delta = 0\.00001|at delta = 1e-5/);
    expect(text).toMatch(/accountant: pld \(discretization 0\.0001\)/);
    expect(text).toMatch(/gaussian sigma 1\.1 +poisson q=0\.0042667 +14063/);
    expect(text).not.toMatch(/\u001b\[/);
  });

  test('an infinite epsilon is said in words', () => {
    const text = resultTable(result({ value: Infinity, upper: Infinity, lower: undefined }), plain);
    expect(text).toMatch(/epsilon is infinite/);
    expect(text).not.toMatch(/Infinity|NaN/);
  });

  test('over budget: by how much and which stage costs most', () => {
    const text = budgetTable(
      {
        withinBudget: false,
        basis: 'upper',
        budget: { epsilon: 2, delta: 1e-5 },
        result: result(),
        excess: 0.912341,
        stageCosts: [
          { label: 'stages[0] (a)', epsilon: 1.2, kind: 'upper' },
          { label: 'stages[1] (b)', epsilon: 2.5, kind: 'upper' },
        ],
      },
      plain,
    );
    expect(text).toMatch(
      /over budget: epsilon <= 2\.9124 \(certified upper bound\) exceeds the budget 2 at delta = 1e-5 by 0\.91234 \(45\.6%\)/,
    );
    expect(text).toMatch(/costliest stage: stages\[1\] \(b\), epsilon <= 2\.5 on its own/);
    const json = budgetJson({
      withinBudget: false,
      basis: 'upper',
      budget: { epsilon: 2, delta: 1e-5 },
      result: result(),
      excess: 0.912341,
    });
    expect(json).toMatchObject({ command: 'check', withinBudget: false, excess: 0.912341, epsilon: 2.912341 });
  });
});

describe('colour', () => {
  test('only on a terminal, without NO_COLOR, and never for JSON', () => {
    expect(colourWanted({ isTTY: true, env: {} })).toBe(true);
    expect(colourWanted({ isTTY: false, env: {} })).toBe(false);
    expect(colourWanted({ isTTY: true, env: { NO_COLOR: '1' } })).toBe(false);
    expect(colourWanted({ isTTY: true, env: {}, json: true })).toBe(false);
    expect(resultTable(result(), makeStyle(true))).toMatch(/\u001b\[/);
  });
});
