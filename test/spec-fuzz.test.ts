/**
 * Property test: malformed specs (random JSON, random text, and valid specs broken in one place) always
 * give a clean exit 2 with one `error: ...` line per problem, never a crash or a stack trace.
 */
import fc from 'fast-check';
import { cli } from './cliHelpers.js';

const valid = {
  name: 'base',
  privacyUnit: 'example',
  adjacency: 'add-remove',
  budget: { epsilon: 8, delta: 1e-5 },
  accountant: { name: 'pld', discretization: 1e-3 },
  stages: [
    { name: 'a', mechanism: { kind: 'gaussian', noiseMultiplier: 1 }, sampler: { kind: 'poisson', rate: 0.01 }, steps: 10 },
    { mechanism: { kind: 'laplace', scale: 1, sensitivity: 1 }, steps: 2 },
    { mechanism: { kind: 'randomized-response', categories: 3, noiseParameter: 0.5 }, steps: 1 },
    { mechanism: { kind: 'eps-delta', epsilon: 0.1, delta: 1e-7 }, steps: 1 },
  ],
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** every path to an object inside `v` */
function objectPaths(v: Json, at: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [];
  const here = Array.isArray(v) ? [] : [at];
  const children = Array.isArray(v)
    ? v.map((c, i) => objectPaths(c, [...at, i]))
    : Object.entries(v).map(([k, c]) => objectPaths(c, [...at, k]));
  return [...here, ...children.flat()];
}

/** every path to a number inside `v` */
function numberPaths(v: Json, at: (string | number)[] = []): (string | number)[][] {
  if (typeof v === 'number') return [at];
  if (v === null || typeof v !== 'object') return [];
  const entries: [string | number, Json][] = Array.isArray(v) ? v.map((c, i) => [i, c]) : Object.entries(v);
  return entries.flatMap(([k, c]) => numberPaths(c, [...at, k]));
}

function at(root: Json, path: (string | number)[]): Record<string | number, Json> {
  let x = root as Record<string | number, Json>;
  for (const k of path) x = x[k] as Record<string | number, Json>;
  return x;
}

const clone = (): Json => JSON.parse(JSON.stringify(valid));
const objects = objectPaths(valid as unknown as Json);
const numbers = numberPaths(valid as unknown as Json);
const REQUIRED: (string | number)[][] = [
  ['stages'],
  ['stages', 0, 'mechanism'],
  ['stages', 0, 'mechanism', 'kind'],
  ['stages', 1, 'mechanism', 'scale'],
  ['stages', 0, 'sampler', 'kind'],
];
const KINDS = ['gaussian', 'laplace', 'randomized-response', 'eps-delta', 'poisson'];

const notANumber = fc.oneof(
  fc.string(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }),
);

const broken: fc.Arbitrary<string> = fc.oneof(
  // an unknown key somewhere
  fc.tuple(fc.constantFrom(...objects), fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue()).map(([path, key, value]) => {
    const spec = clone();
    const target = at(spec, path);
    const unknown = `x_${key}`;
    target[unknown] = value as Json;
    return JSON.stringify(spec);
  }),
  // a number replaced by something that is not a number
  fc.tuple(fc.constantFrom(...numbers), notANumber).map(([path, value]) => {
    const spec = clone();
    at(spec, path.slice(0, -1))[path[path.length - 1]] = value as Json;
    return JSON.stringify(spec);
  }),
  // a number pushed out of every allowed range
  fc.tuple(fc.constantFrom(...numbers), fc.constantFrom(-1, -1e-300, -1e300, 1e300)).map(([path, value]) => {
    const spec = clone();
    const key = path[path.length - 1];
    // 1e300 is allowed for scales and epsilons; only the ones bounded above get it
    const bounded = ['delta', 'rate', 'noiseParameter', 'discretization', 'steps'].includes(String(key));
    at(spec, path.slice(0, -1))[key] = value === 1e300 && !bounded ? -value : value;
    return JSON.stringify(spec);
  }),
  // a required key removed
  fc.constantFrom(...REQUIRED).map((path) => {
    const spec = clone();
    delete at(spec, path.slice(0, -1))[path[path.length - 1]];
    return JSON.stringify(spec);
  }),
  // an unknown kind
  fc
    .tuple(
      fc.integer({ min: 0, max: 3 }),
      fc
        .string({ maxLength: 12 })
        .filter((s) => !KINDS.includes(s) && !['deterministic', 'shuffle', 'persistent-shuffle', 'balls-and-bins'].includes(s)),
    )
    .map(([i, kind]) => {
      const spec = clone();
      at(spec, ['stages', i, 'mechanism']).kind = kind;
      return JSON.stringify(spec);
    }),
  // any JSON value at all, and any text at all
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 40 }),
  // valid text cut short
  fc.integer({ min: 0, max: JSON.stringify(valid).length - 1 }).map((n) => JSON.stringify(valid).slice(0, n)),
);

function assertCleanRefusal(r: { stdout: string; stderr: string; exitCode: number }): void {
  expect(r.exitCode).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(line).toMatch(/^error: \S.*\S$/);
    expect(line).not.toMatch(/internal error|^\s+at |undefined:|\[object Object\]/);
  }
}

describe('malformed specs', () => {
  test('the valid base spec passes (so each mutation is what breaks it)', async () => {
    const r = await cli(['check', '-'], { stdin: JSON.stringify(valid) });
    expect(r.exitCode).toBe(0);
  });

  test('property: always a clean exit 2 with a message', async () => {
    await fc.assert(
      fc.asyncProperty(broken, async (text) => {
        assertCleanRefusal(await cli(['check', '-'], { stdin: text }));
      }),
      { numRuns: 400, seed: 20260101 },
    );
  });
});
