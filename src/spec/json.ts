/**
 * JSON.parse with a location: when the text is not JSON, say at which line and column parsing stops
 * and why. Node's own messages give a position only sometimes, so a small scanner that follows the
 * JSON grammar (RFC 8259) finds the first offending character.
 */
import { InputErrors } from '../errors.js';

export function parseJsonText(text: string, source: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // tolerate a byte-order mark
  try {
    return JSON.parse(body);
  } catch {
    const { offset, reason } = locateJsonError(body);
    const { line, column } = lineAndColumn(body, offset);
    throw new InputErrors([`${source}: not valid JSON: ${reason} at line ${line}, column ${column}`]);
  }
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
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

/** The offset and reason of the first JSON syntax error in `text` (assumes there is one). */
export function locateJsonError(text: string): { offset: number; reason: string } {
  let i = 0;
  const describe = (at: number) =>
    at >= text.length ? 'unexpected end of input' : `unexpected ${JSON.stringify(text[at])}`;
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
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (text[i] === '"') {
        i++;
        return;
      }
      if (c < 0x20) fail('control character in string (escape newlines as \\n)');
      if (text[i] === '\\') {
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
  const number = () => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail('bad number');
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(text[i] === '}' ? 'trailing comma' : `expected a property name in double quotes, found ${describe(i).replace('unexpected ', '')}`);
        string();
        ws();
        if (text[i] !== ':') fail(`expected ':', found ${describe(i).replace('unexpected ', '')}`);
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`expected ',' or '}', found ${describe(i).replace('unexpected ', '')}`);
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] === ']') fail('trailing comma');
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`expected ',' or ']', found ${describe(i).replace('unexpected ', '')}`);
      }
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
    else fail(i >= text.length ? 'unexpected end of input' : `unexpected ${JSON.stringify(c)} where a value should be`);
  };
  try {
    value();
    ws();
    if (i < text.length) fail('unexpected text after the JSON value');
    return { offset: i, reason: 'invalid JSON' }; // JSON.parse disagreed; point at the end
  } catch (e) {
    if (e instanceof Stop) return { offset: e.offset, reason: e.reason };
    throw e;
  }
}
