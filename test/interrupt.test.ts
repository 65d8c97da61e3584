/**
 * Issue 9: Ctrl-C during a long Monte Carlo run ends the progress line, says "interrupted" and exits 130
 * (128 + SIGINT), as shells expect. A real process (the built CLI), since signals are its business.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

const root = process.cwd();
const entry = path.join(root, 'dist/src/cli/main.js');

beforeAll(() => {
  const source = path.join(root, 'src/cli/main.ts');
  if (existsSync(entry) && statSync(entry).mtimeMs >= statSync(source).mtimeMs) return;
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
      cwd: root,
      stdio: 'pipe',
    });
  } catch (e) {
    if (!existsSync(entry)) throw e; // tsc still emits on type errors elsewhere
  }
});

test('SIGINT: "interrupted" on stderr, exit 130, nothing on stdout', async () => {
  const args = [
    'epsilon',
    '--sampler',
    'balls-and-bins',
    '--sigma',
    '1',
    '--steps-per-epoch',
    '1000',
    '--epochs',
    '1',
    '--samples',
    '10000000',
    '--delta',
    '1e-5',
    '--cost-limit',
    '100000',
  ];
  const child = spawn(process.execPath, [path.join(root, 'bin/dpacct.js'), ...args], { cwd: root, env: { PATH: process.env.PATH ?? '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  // interrupt once the process is under way (its modules loaded and the handler installed)
  await new Promise((resolve) => setTimeout(resolve, 5000));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  expect(code).toBe(130);
  expect(stdout).toBe('');
  expect(stderr).toMatch(/interrupted\n$/);
});
