/**
 * Reads a reference file from test/fixtures: values computed by independent tools (dp_accounting, the ABLQ/BNB
 * authors' code, mpmath), copied verbatim from the project's shared reference set; each file states how it was
 * made and test/fixtures/README.md lists the copies. Tests never read anything outside the checkout.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function reference<T = any>(name: string): T {
  return JSON.parse(fs.readFileSync(fixtures + name, 'utf8')) as T;
}
