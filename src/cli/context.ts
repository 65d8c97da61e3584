/**
 * Shared plumbing for command files: the I/O, the output style, reading a spec from a path or stdin,
 * and the lazily loaded accounting code (so `--help` and `schema` never load the numerical engines).
 */
import { InputErrors } from '../errors.js';
import type { Style } from '../output/style.js';
import type { CliIo } from './io.js';

export interface Outcome {
  readonly stdout: string;
  readonly stderr?: string;
  readonly exitCode: number;
}

export interface CommandContext {
  readonly io: CliIo;
  style(json: boolean | undefined): Style;
  /** called by a command's action with what it produced */
  finish(outcome: Outcome): void;
}

/**
 * The context a command runs in. The output style (chalk) is loaded with the command, not at startup:
 * `styles` is src/output/style.ts, passed in once a command is about to run.
 */
export function makeContext(io: CliIo, finish: (o: Outcome) => void, styles: typeof import('../output/style.js')): CommandContext {
  return {
    io,
    style: (json) => styles.makeStyle(styles.colourWanted({ isTTY: io.stdoutIsTTY, env: io.env, json })),
    finish,
  };
}

/** Spec text from a file path, or from stdin when the path is `-`. */
export async function readSpecText(io: CliIo, path: string): Promise<{ text: string; source: string }> {
  if (path === '-') return { text: await io.readStdin(), source: 'stdin' };
  try {
    return { text: await io.readFile(path), source: path };
  } catch (e) {
    if (e instanceof InputErrors) throw e; // e.g. too large for a spec
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (e as Error).message;
    throw new InputErrors([`SPEC: cannot read ${JSON.stringify(path)}: ${why}`]);
  }
}

/** The accounting library, loaded on first use. */
export const engine = () => import('../spec/evaluate.js');
export const calibration = () => import('../spec/calibration.js');
