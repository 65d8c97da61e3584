/**
 * The process entry of the CLI (imported by bin/dpacct.js): the one place that reads argv, stdin and
 * the environment and writes to stdout/stderr and the exit status.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { runCli } from './program.js';
import type { CliIo } from './io.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('(reading the spec from standard input; end it with Ctrl-D)\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const io: CliIo = {
  env: process.env,
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  readFile: (path) => readFile(path, 'utf8'),
  readStdin,
  writeFile: (path, text) => writeFile(path, text, 'utf8'),
  progress: (text) => {
    process.stderr.write(text);
  },
};

const result = await runCli(process.argv.slice(2), io);
if (result.stdout) process.stdout.write(result.stdout);
if (result.stderr) process.stderr.write(result.stderr);
process.exitCode = result.exitCode;
