/**
 * Issue 9, "internal errors and hangs": inputs that once ended in exit 70, grew memory without bound or ran
 * for hours. Each is now refused at once (exit 2, one line naming the path or flag), or bounded.
 */
import { cli } from './cliHelpers.js';
import { scanJson, MAX_SPEC_BYTES, MAX_SPEC_DEPTH } from '../src/spec/json.js';
import { formatGot } from '../src/errors.js';
import { ballsAndBinsCost, ballsAndBinsEpsilon } from '../accountants/ballsAndBins/index.js';

const oneError = (r: { stdout: string; stderr: string; exitCode: number }) => {
  expect(r.exitCode).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  return r.stderr;
};

describe('JSON that once overflowed the call stack', () => {
  test('valid JSON nested 5,000 deep: refused with its depth, not exit 70', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    expect(oneError(await cli(['run', '-'], { stdin: deep }))).toBe(
      `error: stdin: JSON nesting deeper than ${MAX_SPEC_DEPTH} levels (a spec needs a few) at line 1, column ${MAX_SPEC_DEPTH + 1}\n`,
    );
    const inBudget = `{"budget": ${deep}}`;
    expect(oneError(await cli(['check', '-'], { stdin: inBudget }))).toMatch(/nesting deeper/);
  });

  test('invalid JSON "[" x 8000: located without recursion', async () => {
    expect(oneError(await cli(['run', '-'], { stdin: '['.repeat(8000) }))).toMatch(/^error: stdin: JSON nesting deeper than 32 levels/);
    // below the depth cap the locator still finds the end of input
    expect(scanJson('['.repeat(20)).error).toEqual({ offset: 20, reason: 'unexpected end of input' });
  });

  test('formatGot survives values too deep for JSON.stringify', () => {
    let v: unknown = 1;
    for (let i = 0; i < 20000; i++) v = [v];
    expect(formatGot(v)).toBe('a deeply nested array');
  });
});

describe('duplicate keys are an error naming both places', () => {
  test('"budget" twice (the looser one used to win)', async () => {
    const spec =
      '{"budget": {"epsilon": 1, "delta": 1e-5},\n "stages": [{"mechanism": {"kind": "gaussian", "noiseMultiplier": 1}, "steps": 1}],\n "budget": {"epsilon": 100, "delta": 1e-5}}';
    expect(oneError(await cli(['check', '-'], { stdin: spec }))).toBe(
      'error: budget: duplicate key (at line 1, column 2 and again at line 3, column 2; give it once)\n',
    );
  });

  test('nested paths are named like other spec errors', () => {
    const r = scanJson('{"stages": [{"mechanism": {"noiseMultiplier": 1, "noiseMultiplier": 2}}]}');
    expect(r.duplicates.map((d) => d.path)).toEqual(['stages[0].mechanism.noiseMultiplier']);
    expect(scanJson('{"a": 1, "b": {"a": 2}}').duplicates).toEqual([]);
  });

  test('the scanner agrees with JSON.parse on what is JSON', () => {
    for (const text of [
      '{}',
      '[]',
      '1',
      '"x"',
      '{"a":[1,{"b":null}],"c":"\\u00e9"}',
      ' [ true , false ] ',
      '{"a":1,}',
      '[1,]',
      '{"a" 1}',
      '01',
      '[1 2]',
    ]) {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      expect(scanJson(text).error === undefined).toBe(valid);
    }
  });
});

describe('the size of a spec is capped', () => {
  test('more than a few MB on stdin: refused, naming the limit', async () => {
    const r = await cli(['run', '-'], { stdin: ' '.repeat(MAX_SPEC_BYTES + 1) });
    expect(oneError(r)).toBe('error: stdin: too large for a spec (more than 4 MB); a spec is a few kilobytes of JSON\n');
  });
});

describe('Monte Carlo has a cost bound', () => {
  const bnb = ['epsilon', '--sampler', 'balls-and-bins', '--sigma', '1', '--steps-per-epoch', '100', '--delta', '1e-5', '--quiet'];

  test.each([[['--epochs', '1', '--samples', '1e12']], [['--epochs', '100000', '--samples', '1000']]])(
    '%j is refused at once with the estimate',
    async (flags) => {
      const line = oneError(await cli([...bnb, ...flags]));
      expect(line).toMatch(
        /^error: --samples: expected a Monte Carlo run within the cost limit of 600 s \(.* would take about .* on \d+ workers?: .* Gaussian draws\)/,
      );
    },
  );

  test('a spec with "samples": 1e13 (which hung a CI gate) is refused; costLimitSeconds raises the limit', async () => {
    const spec = (accountant: object) =>
      JSON.stringify({
        budget: { epsilon: 100, delta: 1e-5 },
        accountant,
        stages: [
          { mechanism: { kind: 'gaussian', noiseMultiplier: 1 }, sampler: { kind: 'balls-and-bins', stepsPerEpoch: 100 }, epochs: 1 },
        ],
      });
    expect(oneError(await cli(['check', '-'], { stdin: spec({ samples: 1e13 }) }))).toMatch(/cost limit of 600 s/);
    expect(oneError(await cli(['check', '-', '--cost-limit', '1e7'], { stdin: spec({ samples: 1e13 }) }))).toMatch(
      /cost limit of 1\.0e7 s/,
    );
  });

  test('the estimate grows with samples, steps and epochs', () => {
    const base = { noiseMultiplier: 1, stepsPerEpoch: 100, epochs: 1, samples: 1000, seed: 0, workers: 1 };
    const c = ballsAndBinsCost(base, 'delta');
    expect(ballsAndBinsCost({ ...base, samples: 2000 }, 'delta').draws).toBe(2 * c.draws);
    expect(ballsAndBinsCost(base, 'epsilon').draws).toBeGreaterThan(c.draws);
    expect(ballsAndBinsCost({ ...base, epochs: 10 }, 'delta').draws).toBeGreaterThan(c.draws);
  });

  test('a time limit ends sampling with what was reached, and says so', async () => {
    const r = await ballsAndBinsEpsilon({
      noiseMultiplier: 1,
      stepsPerEpoch: 10,
      epochs: 1,
      samples: 5_000_000,
      seed: 1,
      workers: 0,
      delta: 1e-3,
      maxSeconds: 0.001,
      costLimitSeconds: 1e6,
    });
    expect(r.details.stoppedAtSamples).toBeLessThan(5_000_000);
    expect(r.details.stoppedAtSamples).toBeGreaterThan(0);
    const out = await cli([
      'epsilon',
      '--sampler',
      'balls-and-bins',
      '--sigma',
      '1',
      '--steps-per-epoch',
      '10',
      '--epochs',
      '1',
      '--delta',
      '1e-3',
      '--samples',
      '5000000',
      '--max-seconds',
      '0.001',
      '--cost-limit',
      '1e6',
      '--quiet',
    ]);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toMatch(/Sampling stopped at the time limit \(0\.001 s\) after \d+ of 5000000 samples per direction/);
  });
});
