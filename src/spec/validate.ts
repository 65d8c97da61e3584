/**
 * Spec text or value -> a checked `Spec`, or `InputErrors` listing every problem at once.
 */
import { InputErrors } from '../errors.js';
import { describeIssues } from './issues.js';
import { parseJsonText } from './json.js';
import { specSchema, type Spec } from './schema.js';

/** Checks a parsed JSON value against the spec schema. */
export function validateSpec(value: unknown): Spec {
  const result = specSchema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  throw new InputErrors(onePerPath(describeIssues(result.error.issues, { schema: specSchema, data: value })));
}

/** One problem, one line: the first message for each path (zod may report a value's range several times). */
function onePerPath(lines: readonly string[]): string[] {
  const seen = new Set<string>();
  return lines.filter((line) => {
    const path = line.split(': ')[0];
    if (seen.has(path)) return false;
    seen.add(path);
    return true;
  });
}

/** Parses and checks spec text; `source` names it in messages (a file name or `stdin`). */
export function parseSpec(text: string, source = 'spec'): Spec {
  return validateSpec(parseJsonText(text, source));
}
