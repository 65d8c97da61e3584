/**
 * Loss models and compute-budget searches of `dpacct scaling` (issue 13). References: the paper's Table 2
 * (test/fixtures/scaling.json) and dp_accounting's noise multipliers for its rows
 * (test/fixtures/scaling-oracle.json), both independent of dpacct.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BERT_TABLE2_LAW, optimize, outsideDomain, parametricModel, tableModel } from '../accountants/scaling/index.js';
import { isotonicDecreasing } from '../accountants/scaling/lossModel.js';
import { cli } from './cliHelpers.js';
import { reference } from './helpers/reference.js';

const table2 = reference('scaling.json');
const oracle = reference('scaling-oracle.json');
const bundled = parametricModel(BERT_TABLE2_LAW);

describe('the bundled loss model (paper form 2, published exponents, scales fitted to Table 2)', () => {
  test('reproduces the Table 2 losses it was fitted to within 11% (rms under 6%), with dp_accounting noise', () => {
    const errors: number[] = [];
    for (const ref of oracle.table2Sigma) {
      const row = table2.rows[ref.row];
      const sigma = (ref.sigmaLow + ref.sigmaHigh) / 2;
      const point = { modelSize: row.model_params, steps: row.steps, noiseBatchRatio: sigma / row.batch_size };
      expect(outsideDomain(bundled, point)).toBeUndefined();
      errors.push(bundled.predict(point) / row.loss - 1);
    }
    expect(errors.length).toBeGreaterThanOrEqual(15);
    expect(Math.max(...errors.map(Math.abs))).toBeLessThan(0.11);
    expect(Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length)).toBeLessThan(0.06);
  });

  test('loss falls with model size and steps and rises with noise; outside the domain it says why', () => {
    const p = { modelSize: 5e7, steps: 10000, noiseBatchRatio: 1e-5 };
    expect(bundled.predict({ ...p, modelSize: 1e8 })).toBeLessThan(bundled.predict(p));
    expect(bundled.predict({ ...p, steps: 20000 })).toBeLessThan(bundled.predict(p));
    expect(bundled.predict({ ...p, noiseBatchRatio: 1e-4 })).toBeGreaterThan(bundled.predict(p));
    expect(outsideDomain(bundled, { ...p, modelSize: 7e9 })).toMatch(/model size 7.00e\+9 is outside .*\[4.50e\+6, 3.35e\+8\]/);
    expect(outsideDomain(bundled, { ...p, noiseBatchRatio: 0.1 })).toMatch(/noise-batch ratio/);
  });
});

describe('loss tables (CSV)', () => {
  // two model sizes x two step counts x two noise levels; loss = 10 / (M^0.1 T^0.1) * (1 + nbr * 1000) exactly
  const law = (m: number, t: number, n: number) => (10 / (m ** 0.1 * t ** 0.1)) * (1 + n * 1000);
  const rows: string[] = ['model size,steps,noise batch ratio,loss'];
  for (const m of [1e6, 1e8]) for (const t of [1e3, 1e5]) for (const n of [1e-6, 1e-4]) rows.push(`${m},${t},${n},${law(m, t, n)}`);

  test('interpolates linearly in log space between grid points and is exact on them', () => {
    const model = tableModel(rows.join('\n'), 'test.csv');
    expect(model.predict({ modelSize: 1e6, steps: 1e3, noiseBatchRatio: 1e-6 })).toBeCloseTo(law(1e6, 1e3, 1e-6), 12);
    // log loss is linear in (log M, log T) for this law, so the log-space midpoint is exact in those directions
    const mid = model.predict({ modelSize: 1e7, steps: 1e4, noiseBatchRatio: 1e-6 });
    expect(mid).toBeCloseTo(law(1e7, 1e4, 1e-6), 10);
    expect(model.domain.steps).toEqual({ min: 1e3, max: 1e5 });
  });

  test('smooths non-monotone measurements: loss non-increasing in steps (pool adjacent violators)', () => {
    expect(isotonicDecreasing([3, 2, 2.5, 1])).toEqual([3, 2.25, 2.25, 1]);
    const bumpy = rows.map((r, i) =>
      i === 0 ? r : r.replace(/,([^,]+)$/, (_, loss) => `,${r.startsWith('1000000,100000,') ? Number(loss) + 5 : loss}`),
    );
    const model = tableModel(bumpy.join('\n'), 'bumpy.csv');
    const early = model.predict({ modelSize: 1e6, steps: 1e3, noiseBatchRatio: 1e-6 });
    const late = model.predict({ modelSize: 1e6, steps: 1e5, noiseBatchRatio: 1e-6 });
    expect(late).toBeLessThanOrEqual(early);
  });

  test('an incomplete grid is refused, naming the file', () => {
    expect(() => tableModel(rows.slice(0, -1).join('\n'), 'gap.csv')).toThrow(/gap.csv: 1 of the 8 combinations .* missing/);
  });
});

describe('optimize on the bundled model (a small search: the full 100 x 100 case is in bench/)', () => {
  test('N = 1e7, eps = 4, C = 3.8e20 (a Table 2 row): models far smaller than non-private scaling, batches in the hundreds of thousands', async () => {
    const r = await optimize(
      { epsilon: 4, delta: 1e-8, units: 1e7, seqLen: 512, flops: 3.8e20, model: bundled, accountant: 'rdp' },
      { modelCount: 25, batchCount: 40, gridNodes: { rates: 6, steps: 5 }, exactCandidates: 1 },
    );
    expect(r.best.noiseSource).toBe('exact');
    expect(r.best.loss).toBeDefined();
    // at least 5 times smaller than the non-private compute-optimal size (about 1.8e9 parameters here)
    expect(r.best.modelSize).toBeLessThan(r.nonPrivateModelSize / 5);
    expect(r.best.tokensPerParameter).toBeGreaterThan(100);
    expect(r.best.batchSize).toBeGreaterThanOrEqual(1e4);
    expect(r.best.batchSize).toBeLessThanOrEqual(2e6);
    expect(r.best.computeFlops).toBeLessThanOrEqual(3.8e20);
    expect(r.band.count).toBeGreaterThanOrEqual(1);
    expect(r.band.loss.min).toBeLessThanOrEqual(r.band.loss.max);
  });
});

describe('CLI errors name the flag and the range (exit 2)', () => {
  test.each([
    [
      ['scaling', 'noise', '--epsilon', '4', '--delta', '2', '--units', '1e7', '--batch-size', '100', '--steps', '10'],
      /--delta: expected a number in \(0, 1\), got 2/,
    ],
    [
      ['scaling', 'noise', '--epsilon', '4', '--delta', '1e-8', '--units', '100', '--batch-size', '1000', '--steps', '10'],
      /--batch-size: expected at most --units \(100\), got 1000/,
    ],
    [['scaling', 'optimize', '--epsilon', '4', '--delta', '1e-8', '--units', '1e7'], /--flops: missing/],
    [
      ['scaling', 'optimize', '--epsilon', '4', '--delta', '1e-8', '--units', '1e7', '--flops', '10'],
      /--flops: expected a compute budget in \[/,
    ],
    [
      ['scaling', 'optimize', '--epsilon', '4', '--delta', '1e-8', '--units', '1e7', '--flops', '1e20', '--sampler', 'shuffle'],
      /--sampler: expected poisson or deterministic/,
    ],
    [
      ['scaling', 'eval', '--epsilon', '4', '--delta', '1e-8', '--units', '1e7', '--model-size', '1e8', '--batch-size', '100'],
      /--steps: give --steps or --flops/,
    ],
    [
      ['scaling', 'optimize', '--epsilon', '4', '--delta', '1e-8', '--units', '1e7', '--flops', '1e20', '--model-sizes', '5000'],
      /--model-sizes: expected a positive integer <= 1000, got 5000/,
    ],
    [
      [
        'scaling',
        'eval',
        '--epsilon',
        '4',
        '--delta',
        '1e-8',
        '--units',
        '1e7',
        '--model-size',
        '1e8',
        '--batch-size',
        '100',
        '--steps',
        '10',
        '--loss-model',
        '/nonexistent.json',
      ],
      /--loss-model: expected a readable/,
    ],
  ])('%j', async (argv, message) => {
    const r = await cli(argv as string[]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.ts:/);
  });

  test('a JSON law with a bad coefficient is refused with its JSON path', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dpacct-')), 'law.json');
    fs.writeFileSync(file, JSON.stringify({ ...BERT_TABLE2_LAW, coefficients: { ...BERT_TABLE2_LAW.coefficients, A: -1 } }));
    const r = await cli([
      'scaling',
      'eval',
      '--epsilon',
      '4',
      '--delta',
      '1e-8',
      '--units',
      '1e7',
      '--model-size',
      '1e8',
      '--batch-size',
      '100',
      '--steps',
      '10',
      '--loss-model',
      file,
    ]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/law.json: coefficients.A: /);
  });
});
