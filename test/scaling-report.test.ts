/**
 * `dpacct scaling optimize --report FILE`: the scaling report (loss against compute for the best
 * configurations, the saturating compute marked), on the bundled law with a small search (4 x 4, RDP) so
 * the file stays cheap. The figures themselves are the scaling module's (tested in its own files); here: the
 * report carries them, as self-contained HTML with a drawn plot. Run as the built executable (dist/), where
 * the search takes a few seconds instead of minutes under jest's module wrapper.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBuilt, root } from './helpers/built.js';

beforeAll(ensureBuilt);
const ARGS = [
  'scaling',
  'optimize',
  '--epsilon',
  '4',
  '--delta',
  '1e-8',
  '--units',
  '1e7',
  '--flops',
  '3.8e20',
  '--model-sizes',
  '4',
  '--batch-sizes',
  '4',
  '--accountant',
  'rdp',
  '--quiet',
  '--json',
];

test('optimize --report writes an HTML report with the loss curve, the best configurations and the saturating compute', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dpacct-scaling-'));
  const file = path.join(dir, 'scaling.html');
  const r = spawnSync(process.execPath, [path.join(root, 'bin/dpacct.js'), ...ARGS, '--report', file], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const j = JSON.parse(r.stdout);
  expect(j.report).toBe(file);
  expect(j.saturatingFlops).toBeGreaterThan(0);

  const html = readFileSync(file, 'utf8');
  expect(html).toMatch(/^<!DOCTYPE html>/);
  expect(html).not.toMatch(/<script|<link|src=|NaN|Infinity|undefined/);
  expect(html).toContain('id="plot-scaling"');
  for (const name of ['best loss per budget', 'best configurations here', 'saturating compute', 'asked budget'])
    expect(html).toContain(`data-series="${name}"`);
  const paths = [...html.matchAll(/<path class="line" d="([^"]*)"/g)].map((m) => m[1]);
  expect(paths.length).toBe(3); // the curve and the two marker lines; the configurations are points
  for (const d of paths) expect(d).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+$/);
  expect(html).toContain(
    `At 3.8e20 FLOPs the best configuration is a ${Number(j.best.modelSize.toPrecision(3))
      .toExponential()
      .replace('+', '')
      .replace(/\.?0+e/, 'e')}`,
  );
  expect(html).toMatch(/Saturating compute: about [\d.]+e\d+ FLOPs/);
});
