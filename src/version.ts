/**
 * dpacct's version, read from its own package.json at run time so that the figure printed in every
 * result never drifts from the published package. Works from the sources (jest) and from dist/.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Version of the JSON output format (`schemaVersion` in every `--json` object). Bump on breaking changes. */
export const OUTPUT_SCHEMA_VERSION = 1;

/** Version of the accounting spec format accepted by `dpacct run` and `dpacct check`. */
export const SPEC_SCHEMA_VERSION = 1;

function findPackageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'dpacct' && typeof pkg.version === 'string') return pkg.version;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return '0.0.0-unknown';
}

/** The dpacct package version, e.g. `0.1.0`. */
export const VERSION: string = findPackageVersion();

/** `format` of a saved privacy report (`dpacct report --format json`, read back by `dpacct verify`). */
export const REPORT_FORMAT = 'dpacct-privacy-report';
