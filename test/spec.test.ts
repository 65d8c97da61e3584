/**
 * The JSON spec: validation messages (every problem at once, with its path, the value found and what
 * was expected), JSON syntax locations, the generated JSON Schema and the derived plan.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InputErrors } from '../src/errors.js';
import { parseSpec, validateSpec } from '../src/spec/validate.js';
import { planFromSpec, engineStage, ceilCount } from '../src/spec/plan.js';
import { specJsonSchema } from '../src/spec/schema.js';
import { locateJsonError, lineAndColumn } from '../src/spec/json.js';

function problems(value: unknown): string[] {
  try {
    validateSpec(value);
  } catch (e) {
    if (e instanceof InputErrors) return [...e.problems];
    throw e;
  }
  throw new Error('expected InputErrors');
}

const gaussianStage = { mechanism: { kind: 'gaussian', noiseMultiplier: 1 }, sampler: { kind: 'poisson', rate: 0.01 }, steps: 100 };

describe('spec validation', () => {
  test('a rate out of range is reported with its path, range and value', () => {
    const p = problems({ delta: 1e-5, stages: [gaussianStage, { ...gaussianStage, sampler: { kind: 'poisson', rate: 1.5 } }] });
    expect(p).toEqual(['stages[1].sampler.rate: expected a number in (0, 1], got 1.5']);
  });

  test('every problem at once', () => {
    const p = problems({
      delta: 2,
      stages: [
        { mechanism: { kind: 'gaussian', noiseMultiplier: -1 }, steps: 1.5 },
        { mechanism: { kind: 'gauss' }, steps: 3 },
        { mechanism: { kind: 'laplace', scale: 1 }, sampler: { kind: 'poisson', rat: 0.5 }, steps: 3 },
      ],
    });
    expect(p).toEqual(
      expect.arrayContaining([
        'delta: expected a number in (0, 1), got 2',
        'stages[0].mechanism.noiseMultiplier: expected a number > 0, got -1',
        'stages[0].steps: expected a positive integer up to 1e12, got 1.5',
        'stages[1].mechanism.kind: expected one of "gaussian", "laplace", "randomized-response", "eps-delta", "discrete-laplace", "discrete-gaussian", "mixture-of-gaussians", "exponential", "permute-and-flip", "zcdp", "tree-aggregation", got "gauss"',
        expect.stringMatching(
          /^stages\[2\]\.sampler\.rat: unknown key, did you mean "rate"\? \(allowed: kind, rate, batchSize, datasetSize\)$/,
        ),
      ]),
    );
    expect(p.length).toBe(5);
  });

  test('unknown keys are errors at every level', () => {
    expect(problems({ delta: 1e-5, budgett: {}, stages: [gaussianStage] })).toEqual([
      expect.stringMatching(/^budgett: unknown key, did you mean "budget"\?/),
    ]);
    expect(
      problems({ delta: 1e-5, stages: [{ ...gaussianStage, mechanism: { kind: 'gaussian', noiseMultiplier: 1, sigma: 1 } }] }),
    ).toEqual([expect.stringMatching(/^stages\[0\]\.mechanism\.sigma: unknown key/)]);
  });

  test('missing fields say so', () => {
    expect(problems({ delta: 1e-5, stages: [{ mechanism: { kind: 'gaussian' }, steps: 1 }] })).toEqual([
      'stages[0].mechanism.noiseMultiplier: missing, expected a number > 0',
    ]);
    expect(problems({ delta: 1e-5 })).toEqual(['stages: missing, expected an array']);
    expect(problems({ delta: 1e-5, stages: [] })).toEqual(['stages: expected at least one stage, got []']);
  });

  test('wrong types are named', () => {
    expect(problems({ delta: '1e-5', stages: [gaussianStage] })).toEqual(['delta: expected a number in (0, 1), got "1e-5"']);
    expect(problems([1, 2])).toEqual(['(spec): expected an object, got [1,2]']);
    expect(problems(null)).toEqual(['(spec): expected an object, got null']);
    expect(problems({ delta: 1e-5, adjacency: 'swap', stages: [gaussianStage] })).toEqual([
      'adjacency: expected one of "add-remove", "zero-out", "replace-one", got "swap"',
    ]);
  });

  test('rules across fields', () => {
    expect(problems({ stages: [gaussianStage] })).toEqual(['(spec): give delta (to query epsilon), epsilon (to query delta) or a budget']);
    expect(problems({ delta: 1e-5, stages: [{ ...gaussianStage, epochs: 2 }] })).toEqual([
      'stages[0]: give exactly one of steps and epochs',
    ]);
    expect(problems({ delta: 1e-5, stages: [{ mechanism: { kind: 'laplace', scale: 1 }, epochs: 2 }] })).toEqual([
      'stages[0].epochs: epochs needs a sampler (or give steps instead)',
    ]);
    expect(
      problems({ delta: 1e-5, stages: [{ ...gaussianStage, sampler: { kind: 'poisson', rate: 0.1, batchSize: 10, datasetSize: 100 } }] }),
    ).toEqual(['stages[0].sampler: give rate, or batchSize and datasetSize (one of the two)']);
    expect(
      problems({ delta: 1e-5, stages: [{ ...gaussianStage, sampler: { kind: 'poisson', batchSize: 500, datasetSize: 100 } }] }),
    ).toEqual(['stages[0].sampler.batchSize: expected at most datasetSize (100), got 500']);
  });

  test('replace-one on a Poisson-subsampled stage is refused clearly', () => {
    const spec = validateSpec({ delta: 1e-5, adjacency: 'replace-one', stages: [gaussianStage] });
    expect(() => planFromSpec(spec)).toThrow(/stages\[0\]\.sampler: adjacency "replace-one" is not supported with the poisson sampler/);
  });
});

describe('JSON syntax errors say where parsing stops', () => {
  const cases: [string, number, number, RegExp][] = [
    ['{\n  "a": 1,\n  "b": }', 3, 8, /unexpected "}" where a value should be/],
    ['{"a": 1', 1, 8, /expected ',' or '}'/],
    ['', 1, 1, /unexpected end of input/],
    ['[1,2,]', 1, 6, /trailing comma/],
    ['{a:1}', 1, 2, /property name in double quotes/],
    ['{"a": 1}}', 1, 9, /after the JSON value/],
  ];
  test.each(cases)('%j stops at line %i column %i', (text, line, column, reason) => {
    expect(() => JSON.parse(text)).toThrow();
    const at = locateJsonError(text);
    expect(lineAndColumn(text, at.offset)).toEqual({ line, column });
    expect(at.reason).toMatch(reason);
    expect(() => parseSpec(text, 'spec.json')).toThrow(new RegExp(`^spec\\.json: not valid JSON: .* at line ${line}, column ${column}$`));
  });
});

describe('JSON Schema', () => {
  test('is generated from the zod schema and rejects unknown keys', () => {
    const schema = specJsonSchema() as { properties: Record<string, unknown>; additionalProperties: unknown; required: string[] };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['stages']);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['delta', 'epsilon', 'budget', 'adjacency', 'privacyUnit', 'stages']),
    );
    const text = JSON.stringify(schema);
    expect(text).toContain('"exclusiveMinimum":0');
    expect(text).toContain('balls-and-bins');
  });
});

describe('plan', () => {
  const examples = path.resolve(process.cwd(), 'examples');
  const load = (name: string) => parseSpec(readFileSync(path.join(examples, name), 'utf8'), name);

  test('dpsgd-60k: q = 256/60000 and ceil(60 * 60000 / 256) = 14063 steps, rounding stated', () => {
    const plan = planFromSpec(load('dpsgd-60k.json'));
    expect(plan.stages).toHaveLength(1);
    expect(plan.stages[0].poissonRate).toBeCloseTo(256 / 60000, 15);
    expect(plan.stages[0].steps).toBe(14063);
    expect(plan.notes.join()).toMatch(/14062\.5 steps, rounded up to 14063/);
    expect(plan.query).toEqual({ quantity: 'epsilon', delta: 1e-5 });
    expect(plan.budget).toEqual({ epsilon: 3, delta: 1e-5 });
  });

  test('finetune-two-stages: two Poisson stages with their own rates', () => {
    const plan = planFromSpec(load('finetune-two-stages.json'));
    expect(plan.stages.map((s) => [s.poissonRate, s.steps])).toEqual([
      [512 / 50000, ceilCount((5 * 50000) / 512)],
      [1024 / 50000, ceilCount((5 * 50000) / 1024)],
    ]);
  });

  test('analytics: three unsampled releases, per user', () => {
    const plan = planFromSpec(load('analytics.json'));
    expect(plan.privacyUnit).toBe('user');
    expect(plan.stages.map((s) => engineStage(s))).toEqual([
      { mechanism: { kind: 'laplace', scale: 2, sensitivity: 1 }, steps: 1 },
      { mechanism: { kind: 'gaussian', noiseMultiplier: 4 }, steps: 1 },
      { mechanism: { kind: 'randomized-response', categories: 4, epsilon: 1 }, steps: 1 },
    ]);
  });

  test('deterministic batches are E unsampled Gaussian releases; T rounds up', () => {
    const spec = validateSpec({
      delta: 1e-5,
      stages: [
        {
          mechanism: { kind: 'gaussian', noiseMultiplier: 1 },
          sampler: { kind: 'deterministic', batchSize: 256, datasetSize: 60000 },
          epochs: 3,
        },
      ],
    });
    const plan = planFromSpec(spec);
    expect(plan.stages[0]).toMatchObject({ stepsPerEpoch: 235, epochs: 3, steps: 705 });
    expect(engineStage(plan.stages[0])).toEqual({ mechanism: { kind: 'gaussian', noiseMultiplier: 1 }, steps: 3 });
  });

  test('batch samplers need whole epochs', () => {
    const spec = validateSpec({
      delta: 1e-5,
      stages: [{ mechanism: { kind: 'gaussian', noiseMultiplier: 1 }, sampler: { kind: 'shuffle', stepsPerEpoch: 100 }, steps: 150 }],
    });
    expect(() => planFromSpec(spec)).toThrow(/stages\[0\]\.steps: expected a multiple of the 100 steps per epoch/);
  });
});

describe('numbers from flags', () => {
  // imported here to keep the spec tests' imports at the top readable
  test('property: any text is either a number in the domain or refused with the flag named', async () => {
    const { parseNumberText, domains } = await import('../src/spec/numbers.js');
    const { InputError } = await import('../src/errors.js');
    const fc = (await import('fast-check')).default;
    const text = fc.oneof(
      fc.string(),
      fc.double().map(String),
      fc.integer().map(String),
      fc.constantFrom('1e-5', '-0', '+3', '.5', '5.', '1e400', 'NaN', 'Infinity', '-Infinity', '0x1f', '1_000', ' 2 ', ''),
    );
    fc.assert(
      fc.property(text, fc.constantFrom(...(Object.keys(domains) as (keyof typeof domains)[])), (t, name) => {
        const domain = domains[name];
        try {
          const value = parseNumberText('--flag', t, domain);
          expect(Number.isFinite(value)).toBe(true);
          expect(domain.schema.safeParse(value).success).toBe(true);
          expect(value).toBe(Number(t.trim()));
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          expect((e as Error).message).toMatch(new RegExp(`^--flag: expected ${domain.expected.replace(/[()[\]]/g, '\\$&')}, got .+$`));
        }
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});
