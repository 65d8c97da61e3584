/**
 * Turns zod issues into one line each: `stages[1].sampler.rate: expected a number in (0, 1], got 1.5`.
 * Field-level checks carry their expected phrase as the message (src/spec/numbers.ts); zod's own
 * issues (wrong type, unknown key, unknown kind) are worded here.
 */
import type { z } from 'zod';
import { formatGot } from '../errors.js';

type Issue = z.core.$ZodIssue & { input?: unknown };

/** `['stages', 1, 'sampler', 'rate']` -> `stages[1].sampler.rate`; the empty path is `(spec)`. */
export function formatPath(path: readonly PropertyKey[], root = '(spec)'): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? root : out;
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  string: 'a string',
  object: 'an object',
  array: 'an array',
  int: 'an integer',
  boolean: 'true or false',
};

function describeType(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return formatGot(input);
  if (typeof input === 'object') return 'an object';
  return formatGot(input);
}

function tail(expected: string, input: unknown, present: boolean): string {
  if (!present) return `missing, expected ${expected}`;
  return `expected ${expected}, got ${describeType(input)}`;
}

/** Closest key by edit distance, for "did you mean" hints. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const dist = editDistance(word.toLowerCase(), c.toLowerCase());
    if (dist < bestDistance) [best, bestDistance] = [c, dist];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** Allowed keys of the object schema at `path`, following discriminated unions by the data's `kind`. */
export function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[], data: unknown): string[] | undefined {
  let current: unknown = schema;
  let value: unknown = data;
  const step = (s: unknown): unknown => {
    // unwrap optional / pipe layers
    let x = s as { _zod?: { def?: Record<string, unknown> } };
    for (let guard = 0; guard < 10 && x?._zod?.def; guard++) {
      const def = x._zod.def;
      if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') x = def.innerType as typeof x;
      else if (def.type === 'union' && Array.isArray(def.options) && typeof def.discriminator === 'string') {
        const kind = (value as Record<string, unknown> | undefined)?.[def.discriminator];
        const match = (def.options as (typeof x)[]).find((o) =>
          (o._zod?.def?.shape as Record<string, { _zod: { def: { values?: unknown[] } } }> | undefined)?.[
            def.discriminator as string
          ]?._zod.def.values?.includes(kind),
        );
        if (!match) return undefined;
        x = match;
      } else break;
    }
    return x;
  };
  for (const key of path) {
    current = step(current);
    const def = (current as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    if (!def) return undefined;
    if (def.type === 'object' && typeof key === 'string') current = (def.shape as Record<string, unknown>)[key];
    else if (def.type === 'array' && typeof key === 'number') current = def.element;
    else return undefined;
    value = (value as Record<PropertyKey, unknown> | undefined)?.[key as string];
  }
  current = step(current);
  const def = (current as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
  return def?.type === 'object' ? Object.keys(def.shape as object) : undefined;
}

/**
 * One line per problem. `root` is the schema the data was checked against (to list the allowed keys
 * when one is unknown) and `data` the value checked.
 */
export function describeIssues(
  issues: readonly Issue[],
  options: { schema?: z.ZodType; data?: unknown; rootName?: string } = {},
): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = issue.path as PropertyKey[];
    const where = formatPath(path, options.rootName);
    const present = 'input' in issue && issue.input !== undefined;
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = options.schema ? allowedKeysAt(options.schema, path, options.data) : undefined;
        for (const key of issue.keys) {
          const hint = allowed ? closest(key, allowed) : undefined;
          const list = allowed ? ` (allowed: ${allowed.join(', ')})` : '';
          lines.push(`${formatPath([...path, key])}: unknown key${hint ? `, did you mean "${hint}"?` : ''}${list}`);
        }
        break;
      }
      case 'invalid_union': {
        const u = issue as Issue & { discriminator?: string; options?: unknown[]; note?: string };
        if (u.discriminator !== undefined && u.options) {
          const input = issue.input as Record<string, unknown> | undefined;
          const got = input && typeof input === 'object' ? input[u.discriminator] : undefined;
          const expected = `one of ${u.options.map((o) => JSON.stringify(o)).join(', ')}`;
          const wherePrefix = path[path.length - 1] === u.discriminator ? path : [...path, u.discriminator];
          if (input === undefined || input === null || typeof input !== 'object' || Array.isArray(input))
            lines.push(`${formatPath(path.slice(0, -1), options.rootName)}: ${tail('an object', input, present)}`);
          else lines.push(`${formatPath(wherePrefix, options.rootName)}: ${tail(expected, got, got !== undefined)}`);
        } else {
          // a plain union (a number or a list of numbers): report the form the input has, when exactly one has it
          const errors = (u as { errors?: Issue[][] }).errors ?? [];
          const sameType = errors.filter((e) => !(e.length === 1 && e[0].code === 'invalid_type' && e[0].path.length === 0));
          if (sameType.length === 1)
            lines.push(
              ...describeIssues(
                sameType[0].map((e) => ({ ...e, path: [...path, ...e.path] }) as Issue),
                options,
              ),
            );
          else
            lines.push(
              `${where}: ${tail(/^Invalid input/.test(issue.message) ? 'one of the allowed forms' : issue.message, issue.input, present)}`,
            );
        }
        break;
      }
      case 'invalid_type': {
        const message = issue.message;
        const expected = message.startsWith('Invalid input') ? (TYPE_WORDS[issue.expected] ?? `a ${issue.expected}`) : message;
        lines.push(`${where}: ${tail(expected, issue.input, present)}`);
        break;
      }
      case 'invalid_value': {
        const expected =
          issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
        lines.push(`${where}: ${tail(expected, issue.input, present)}`);
        break;
      }
      case 'too_small':
      case 'too_big':
      case 'not_multiple_of':
      case 'invalid_format': {
        const own = !/^(Too small|Too big|Invalid)/.test(issue.message);
        const expected = own ? issue.message : issue.message.replace(/^[^:]*: expected /, '');
        lines.push(`${where}: ${tail(expected, issue.input, present)}`);
        break;
      }
      case 'custom':
      default:
        lines.push(`${where}: ${issue.message}`);
    }
  }
  return lines;
}
