/** Reads a reference file from ../shared/reference (computed with independent tools; see each file). */
import fs from 'node:fs';
import path from 'node:path';

export function reference<T = any>(name: string): T {
  return JSON.parse(fs.readFileSync(path.resolve(process.cwd(), '../shared/reference', name), 'utf8')) as T;
}
