/**
 * Issue 9: numbers in notes and errors are formatted as the headline formats them, by src/numeric/format.ts
 * (below the output layer, so the core can use it): no raw floats such as 0.00001 or 6.572970067030333.
 */
import { formatInput, formatNumber } from '../src/numeric/format.js';
import { cli } from './cliHelpers.js';

describe('numbers in notes and errors', () => {
  test('the three raw floats of the fuzz report', () => {
    expect(formatInput(0.00001)).toBe('1e-5');
    expect(formatNumber(6.572970067030333)).toBe('6.573');
    expect(formatInput(460000000000000000)).toBe('4.6e17');
  });

  test('inputs keep their digits, whole numbers below 1e15 stay whole', () => {
    expect(formatInput(0.9999999999999999)).not.toBe('1');
    expect(formatInput(123456)).toBe('123456');
    expect(formatNumber(Infinity)).toBe('infinite');
  });

  test('a note built by the core prints delta as 1e-5', async () => {
    const spec = JSON.stringify({ delta: 0.00001, stages: [{ mechanism: { kind: 'eps-delta', epsilon: 1, delta: 0.0001 }, steps: 1 }] });
    const r = await cli(['run', '-'], { stdin: spec });
    expect(r.stdout).toContain('no finite epsilon at delta = 1e-5:');
    expect(r.stdout).not.toContain('0.00001');
  });
});
