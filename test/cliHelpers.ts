/** Runs the CLI in-process with a fake terminal (not a TTY unless asked) and optional stdin text. */
import { readFile } from 'node:fs/promises';
import { runCli } from '../src/cli/program.js';
import type { CliIo, CliResult } from '../src/cli/io.js';

export function fakeIo(
  o: {
    stdin?: string | (() => Promise<string>);
    env?: Record<string, string>;
    tty?: boolean;
    stderrTty?: boolean;
    progress?: (text: string) => void;
  } = {},
): CliIo {
  const stdin = o.stdin;
  return {
    env: o.env ?? {},
    stdoutIsTTY: o.tty ?? false,
    stderrIsTTY: o.stderrTty ?? o.tty ?? false,
    readFile: (p) => readFile(p, 'utf8'),
    readStdin: typeof stdin === 'function' ? stdin : async () => stdin ?? '',
    ...(o.progress ? { progress: o.progress } : {}),
  };
}

export function cli(argv: string[], o: Parameters<typeof fakeIo>[0] = {}): Promise<CliResult> {
  return runCli(argv, fakeIo(o));
}
