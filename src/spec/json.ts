/**
 * Spec text -> a JSON value, or one line saying where and why it is not a spec's JSON:
 * - not JSON: the line and column where parsing stops and why (Node's own messages give a position only
 *   sometimes, so a small scanner that follows the JSON grammar, RFC 8259, finds the first offending
 *   character);
 * - a key given twice in one object: JSON.parse would keep the last silently (a looser budget could win),
 *   so both are named;
 * - nesting deeper than a spec ever needs, or text longer than MAX_SPEC_BYTES.
 * The scanner is iterative (an explicit stack), so `[` x 8000 or 5,000 nested objects cannot overflow the
 * call stack.
 */
import { InputErrors } from '../errors.js';

/** A spec is a few kilobytes; anything past this is not a spec (and must not exhaust memory). */
export const MAX_SPEC_BYTES = 4 * 1024 * 1024;
/** The deepest a spec's JSON nests (stages[0].mechanism.x is 3 levels) with room to spare. */
export const MAX_SPEC_DEPTH = 32;

export function parseJsonText(text: string, source: string): unknown {
  if (text.length > MAX_SPEC_BYTES) throw tooLarge(source);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // tolerate a byte-order mark
  const scan = scanJson(body);
  if (scan.error) {
    const { line, column } = lineAndColumn(body, scan.error.offset);
    const what = scan.error.reason.startsWith('nesting') ? 'JSON' : 'not valid JSON:';
    throw new InputErrors([`${source}: ${what} ${scan.error.reason} at line ${line}, column ${column}`]);
  }
  if (scan.duplicates.length)
    throw new InputErrors(
      scan.duplicates.map((d) => {
        const first = lineAndColumn(body, d.firstOffset);
        const again = lineAndColumn(body, d.offset);
        return `${d.path}: duplicate key (at line ${first.line}, column ${first.column} and again at line ${again.line}, column ${again.column}; give it once)`;
      }),
    );
  return JSON.parse(body);
}

export function tooLarge(source: string): InputErrors {
  return new InputErrors([
    `${source}: too large for a spec (more than ${MAX_SPEC_BYTES / (1024 * 1024)} MB); a spec is a few kilobytes of JSON`,
  ]);
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class Stop {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

interface Duplicate {
  /** JSON path of the key, e.g. `budget` or `stages[0].sampler.rate` */
  readonly path: string;
  readonly offset: number;
  readonly firstOffset: number;
}

/** A container being scanned: its path, and for objects the keys seen with their offsets. */
interface Frame {
  readonly kind: 'object' | 'array';
  readonly path: string;
  readonly keys?: Map<string, number>;
  /** array index or object key of the value being read */
  child: string | number;
}

function childPath(parent: string, child: string | number): string {
  if (typeof child === 'number') return `${parent}[${child}]`;
  const name = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(child) ? child : JSON.stringify(child);
  return parent === '' ? name : /^[A-Za-z_$]/.test(name) ? `${parent}.${name}` : `${parent}[${name}]`;
}

/** The first syntax error, and every duplicate key, of `text`. */
export function scanJson(text: string): { error?: { offset: number; reason: string }; duplicates: Duplicate[] } {
  let i = 0;
  const duplicates: Duplicate[] = [];
  const describe = (at: number) => (at >= text.length ? 'unexpected end of input' : `unexpected ${JSON.stringify(text[at])}`);
  const found = (at: number) => describe(at).replace('unexpected ', '');
  const fail = (reason?: string): never => {
    throw new Stop(i, reason ?? describe(i));
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  /** reads a string at i (on its opening quote) and returns its decoded value */
  const string = (): string => {
    const start = i;
    i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return JSON.parse(text.slice(start, i)) as string;
      }
      if (c < 0x20) fail('control character in string (escape newlines as \\n)');
      if (c === 92) {
        i++;
        if (text[i] === 'u') {
          i++;
          for (let k = 0; k < 4; k++) {
            if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail('bad \\u escape');
            i++;
          }
        } else if (i < text.length && '"\\/bfnrt'.includes(text[i])) i++;
        else fail('bad escape in string');
      } else i++;
    }
  };
  const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const number = () => {
    numberPattern.lastIndex = i;
    const m = numberPattern.exec(text);
    if (!m) fail('bad number');
    i += m![0].length;
  };
  const stack: Frame[] = [];
  const path = () => (stack.length ? childPath(stack[stack.length - 1].path, stack[stack.length - 1].child) : '');
  /** reads `"key" :` inside an object frame (i on the quote), checking for a duplicate */
  const key = (frame: Frame) => {
    if (text[i] !== '"') fail(text[i] === '}' ? 'trailing comma' : `expected a property name in double quotes, found ${found(i)}`);
    const at = i;
    const name = string();
    const first = frame.keys!.get(name);
    if (first !== undefined) duplicates.push({ path: childPath(frame.path, name), offset: at, firstOffset: first });
    else frame.keys!.set(name, at);
    frame.child = name;
    ws();
    if (text[i] !== ':') fail(`expected ':', found ${found(i)}`);
    i++;
  };
  try {
    // each turn reads one value at i; containers push a frame and their first member starts the next turn
    for (;;) {
      ws();
      const c = text[i];
      if (c === '{' || c === '[') {
        if (stack.length >= MAX_SPEC_DEPTH) fail(`nesting deeper than ${MAX_SPEC_DEPTH} levels (a spec needs a few)`);
        const frame: Frame =
          c === '{' ? { kind: 'object', path: path(), keys: new Map(), child: '' } : { kind: 'array', path: path(), child: 0 };
        i++;
        ws();
        if (text[i] === (c === '{' ? '}' : ']')) {
          i++;
        } else {
          stack.push(frame);
          if (c === '{') key(frame);
          continue;
        }
      } else if (c === '"') string();
      else if (c === 't') literal('true');
      else if (c === 'f') literal('false');
      else if (c === 'n') literal('null');
      else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
      else fail(i >= text.length ? 'unexpected end of input' : `unexpected ${JSON.stringify(c)} where a value should be`);
      // after a value: close containers or move to the next member
      for (;;) {
        const frame = stack[stack.length - 1];
        if (!frame) {
          ws();
          if (i < text.length) fail('unexpected text after the JSON value');
          return { duplicates };
        }
        ws();
        const close = frame.kind === 'object' ? '}' : ']';
        if (text[i] === ',') {
          i++;
          ws();
          if (frame.kind === 'object') key(frame);
          else {
            if (text[i] === ']') fail('trailing comma');
            frame.child = (frame.child as number) + 1;
          }
          break;
        }
        if (text[i] === close) {
          i++;
          stack.pop();
          continue;
        }
        fail(`expected ',' or '${close}', found ${found(i)}`);
      }
    }
  } catch (e) {
    if (e instanceof Stop) return { error: { offset: e.offset, reason: e.reason }, duplicates };
    throw e;
  }
}

/** The offset and reason of the first JSON syntax error in `text` (assumes there is one). */
export function locateJsonError(text: string): { offset: number; reason: string } {
  return scanJson(text).error ?? { offset: text.length, reason: 'invalid JSON' };
}
