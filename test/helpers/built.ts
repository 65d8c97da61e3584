/**
 * Tests that run the real executable (`node bin/dpacct.js`, built into dist/) call `ensureBuilt()` in a
 * beforeAll: `npm ci` builds dist through `prepare`; this rebuilds only when a source is newer than the build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const root = process.cwd();
const entry = path.join(root, 'dist/src/cli/main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (name.endsWith('.ts')) newest = Math.max(newest, s.mtimeMs);
  }
  return newest;
}

export function ensureBuilt(): void {
  const stale =
    !existsSync(entry) ||
    statSync(entry).mtimeMs < Math.max(newestSource(path.join(root, 'src')), newestSource(path.join(root, 'accountants')));
  if (!stale) return;
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
      cwd: root,
      stdio: 'pipe',
    });
  } catch (e) {
    // tsc still emits on type errors; only a missing build is fatal
    if (!existsSync(entry)) throw e;
  }
}
