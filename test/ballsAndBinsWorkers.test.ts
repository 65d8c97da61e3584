/**
 * Worker threads give the same numbers as one thread, and the compiled build the same as the sources.
 *
 * Worker threads need compiled JavaScript (dist/accountants/ballsAndBins/worker.js), which ts-jest does not
 * produce, so this test RELIES ON dist/ EXISTING AND BEING CURRENT: CI runs `npm ci`, whose `prepare` script
 * (`npm run build`) compiles dist/ before the tests; locally run `npm run build` first. The compiled module runs
 * in a child Node process (no jest), once with two workers and once in-process, and both must equal what the
 * TypeScript sources compute here in-process.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ballsAndBinsDelta } from '../accountants/ballsAndBins/index.js';

const compiled = path.resolve(process.cwd(), 'dist/accountants/ballsAndBins/index.js');

// importance sampling (one epoch, several passes) and order statistics (several epochs), each over many batches
const settings = [
  { noiseMultiplier: 0.6, stepsPerEpoch: 200, epochs: 1, epsilons: [0.5, 1, 3], samples: 9000, seed: 5 },
  { noiseMultiplier: 2, stepsPerEpoch: 100, epochs: 3, epsilons: [0.25, 0.5], samples: 9000, seed: 6 },
];

function runCompiled(setting: object): { threads: unknown; inline: unknown; workers: number } {
  const script = `
    import { ballsAndBinsDelta } from ${JSON.stringify(pathToFileURL(compiled).href)};
    const setting = ${JSON.stringify(setting)};
    const threads = await ballsAndBinsDelta({ ...setting, workers: 2 });
    const inline = await ballsAndBinsDelta({ ...setting, workers: 0 });
    process.stdout.write(JSON.stringify({ threads: threads.estimates, inline: inline.estimates, workers: threads.details.workers }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module'], { input: script, encoding: 'utf8', timeout: 60000 });
  return JSON.parse(out);
}

test('dist/ is built (CI: npm ci runs prepare = npm run build; locally: npm run build)', () => {
  expect(existsSync(compiled)).toBe(true);
  expect(existsSync(path.resolve(process.cwd(), 'dist/accountants/ballsAndBins/worker.js'))).toBe(true);
});

test.each(settings)('two worker threads = one thread = the TypeScript sources (T = $stepsPerEpoch, E = $epochs)', async (setting) => {
  const { threads, inline, workers } = runCompiled(setting);
  expect(workers).toBe(2); // the threads really ran
  expect(threads).toEqual(inline);
  const sources = await ballsAndBinsDelta({ ...setting, workers: 0 });
  expect(JSON.parse(JSON.stringify(sources.estimates))).toEqual(inline);
});
