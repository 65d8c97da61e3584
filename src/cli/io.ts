/**
 * What a command may use of the outside world, passed in so that tests run the CLI in-process.
 * Only src/cli/main.ts builds the real one from `process`.
 */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readFile(path: string): Promise<string>;
  readStdin(): Promise<string>;
  /** writes a whole file (`report -o FILE`); absent where the CLI may not write files */
  writeFile?(path: string, text: string): Promise<void>;
  /** live progress text for a terminal's stderr (progress bars); absent in tests and when not wanted */
  progress?(text: string): void;
}

/** What running the CLI produced. Only bin/ and src/cli/main.ts turn this into process effects. */
export interface CliResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Exit codes, documented in `dpacct --help`. */
export const EXIT = Object.freeze({
  ok: 0,
  overBudget: 1,
  badInput: 2,
  cannotCertify: 3,
  internal: 70,
});
