/**
 * The process entry of the CLI (imported by bin/dpacct.js): the one place that reads argv, stdin and
 * the environment and writes to stdout/stderr and the exit status.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { runCli } from './program.js';
import type { CliIo } from './io.js';
import { MAX_SPEC_BYTES, tooLarge } from '../spec/json.js';

/** Standard input up to MAX_SPEC_BYTES (`cat /dev/zero | dpacct run -` must not fill memory). */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('(reading the spec from standard input; end it with Ctrl-D)\n');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > MAX_SPEC_BYTES) throw tooLarge('stdin');
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A spec file, refused unread when larger than MAX_SPEC_BYTES. */
async function readSpecFile(path: string): Promise<string> {
  const info = await stat(path);
  if (info.isFile() && info.size > MAX_SPEC_BYTES) throw tooLarge(path);
  return readFile(path, 'utf8');
}

/** True while a progress bar is on stderr's last line (it has no newline until cleared). */
let progressOpen = false;

// Ctrl-C: end the progress line, say so, and exit 130 (128 + SIGINT) as shells expect
process.once('SIGINT', () => {
  process.stderr.write(`${progressOpen ? '\n' : ''}interrupted\n`);
  process.exit(130);
});

const io: CliIo = {
  env: process.env,
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  readFile: readSpecFile,
  readStdin,
  writeFile: (path, text) => writeFile(path, text, 'utf8'),
  progress: (text) => {
    process.stderr.write(text);
    // a bar is open until the reporter clears it ("\r" + erase line, nothing after)
    progressOpen = !/^\r\u001b\[K$/.test(text);
  },
};

const result = await runCli(process.argv.slice(2), io);
if (result.stdout) process.stdout.write(result.stdout);
if (result.stderr) process.stderr.write(result.stderr);
process.exitCode = result.exitCode;
