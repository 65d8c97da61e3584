/**
 * Privacy reports (`dpacct report`, `dpacct verify`): every format rendered for the example specs, the
 * per-epoch and profile figures of the DP-SGD example against dp_accounting (test/fixtures/report_dpsgd60k.json),
 * and a report generated, saved and verified (holds, moved, damaged). Coarse settings keep the file cheap:
 * a 1e-2 PLD grid, three epoch points, four profile epsilons.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildReport } from '../src/report/build.js';
import { epochPoints } from '../src/report/epochs.js';
import { reportHtml } from '../src/output/reportHtml.js';
import { reportJsonText } from '../src/output/reportJson.js';
import { reportMarkdown } from '../src/output/reportMarkdown.js';
import type { PrivacyReport } from '../src/result.js';
import { runCli } from '../src/cli/program.js';
import { fakeIo } from './cliHelpers.js';
import { reference } from './helpers/reference.js';

/** balls-and-bins (a random-allocation PLD per epoch point) is left out here: it has its own test below on a short run */
const SAMPLERS = ['deterministic', 'shuffle', 'persistent-shuffle', 'poisson'];
const CHEAP = { overrides: { discretization: 1e-2 }, maxEpochPoints: 3, profileEpsilons: [0.5, 1, 2, 4], samplers: SAMPLERS };
/** every example spec (the figure checks below name the ones they use) */
const EXAMPLES = readdirSync('examples')
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));
const NOW = new Date('2026-12-01T12:00:00Z');

const reports = new Map<string, PrivacyReport>();
const specText = (name: string) => readFileSync(`examples/${name}.json`, 'utf8');

beforeAll(async () => {
  for (const name of EXAMPLES)
    reports.set(name, await buildReport({ specText: specText(name), source: `examples/${name}.json`, settings: CHEAP, now: NOW }));
});

const io = () => ({ ...fakeIo(), writeFile: (p: string, t: string) => writeFile(p, t, 'utf8') });
const tmp = () => mkdtempSync(path.join(tmpdir(), 'dpacct-report-'));

describe.each(EXAMPLES)('report of examples/%s.json', (name) => {
  test('markdown: every section, the spec and its SHA-256', () => {
    const r = reports.get(name)!;
    const md = reportMarkdown(r);
    for (const heading of [
      '## Guarantee',
      '## Assumptions and settings',
      '## ε per batch sampler',
      '## ε after each',
      '## Privacy profile δ(ε)',
      '## Costliest stage',
      '## Provenance',
    ])
      expect(md).toContain(heading);
    expect(md).toContain(createHash('sha256').update(specText(name)).digest('hex'));
    expect(md).toContain(specText(name).trim());
    expect(md).toContain('dpacct ');
    expect(md).toContain('2026-12-01T12:00:00.000Z');
    expect(md).toContain('discretization 0.01');
    expect(md).not.toMatch(/NaN|Infinity|undefined/);
  });

  test('html: self-contained, no script, plots with non-empty paths', () => {
    const html = reportHtml(reports.get(name)!);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
    expect(html).toContain('id="plot-profile"');
    const paths = [...html.matchAll(/<path class="line" d="([^"]*)"/g)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThanOrEqual(2);
    for (const d of paths) expect(d).toMatch(/^M[\d.]+,[\d.]+/);
    expect(html).not.toMatch(/NaN|Infinity|undefined/);
  });

  test('json: the guarantee, the spec and figures with their kinds, no non-finite numbers', () => {
    const text = reportJsonText(reports.get(name)!);
    expect(text).not.toMatch(/NaN|Infinity/);
    const j = JSON.parse(text);
    expect(j.format).toBe('dpacct-privacy-report');
    expect(j.spec.text).toBe(specText(name));
    expect(j.spec.sha256).toBe(createHash('sha256').update(specText(name)).digest('hex'));
    expect(j.guarantee).toMatch(/differentially private/);
    expect(['upper', 'exact']).toContain(j.headline.figure.kind);
    expect(j.profile.points.map((p: { epsilon: number }) => p.epsilon)).toEqual([0.5, 1, 2, 4]);
    expect(j.costliest.label).toMatch(/^stages\[/);
  });
});

describe('figures of the DP-SGD example against dp_accounting (PLD, 1e-4 grid)', () => {
  const ref = reference<{
    'epsilon_at_delta_1e-5': Record<string, number>;
    delta_at_epsilon_full_run: Record<string, number>;
    delta_at_epsilon_full_run_long_double: Record<string, Record<string, number>>;
  }>('report_dpsgd60k.json');

  test('epsilon after each epoch: a certified upper bound above the reference, within 3% on a 1e-2 grid', () => {
    const r = reports.get('dpsgd-60k')!;
    expect(r.epochs.axis).toBe('epochs');
    expect(r.epochs.points.map((p) => p.steps)).toEqual([235, 7266, 14063]);
    for (const p of r.epochs.points) {
      const want = ref['epsilon_at_delta_1e-5'][String(p.steps)];
      expect(p.figure.kind).toBe('upper');
      expect(p.figure.value).toBeGreaterThanOrEqual(want * (1 - 1e-3));
      expect(p.figure.value).toBeLessThanOrEqual(want * 1.03);
    }
  });

  test('privacy profile: delta upper bounds above the reference, within 25% (relative) where delta > 1e-9', () => {
    const r = reports.get('dpsgd-60k')!;
    for (const p of r.profile.points) {
      // below 1e-10 dp_accounting's float64 figure is moved by its own FFT noise: its long-double one at a 2e-5 grid
      const precise = ref.delta_at_epsilon_full_run_long_double[String(p.epsilon)];
      const want = precise !== undefined ? precise['2e-5'] : ref.delta_at_epsilon_full_run[String(p.epsilon)];
      expect(p.figure.value).toBeGreaterThanOrEqual(want * (1 - 1e-3));
      if (want > 1e-9) expect(p.figure.value).toBeLessThanOrEqual(want * 1.25);
    }
  });

  test('sampler table: every sampler once, with its kind; shuffling below deterministic, Poisson far below', () => {
    const s = reports.get('dpsgd-60k')!.samplers;
    if (!s.applicable) throw new Error('expected the sampler table');
    expect(s.setting).toEqual({ noiseMultiplier: 1.1, stepsPerEpoch: 235, epochs: 60, delta: 1e-5 });
    const kinds = Object.fromEntries(s.rows.map((r) => [r.sampler, r.figure.kind]));
    expect(kinds).toEqual({ deterministic: 'exact', shuffle: 'lower', 'persistent-shuffle': 'lower', poisson: 'upper' });
    const v = Object.fromEntries(s.rows.map((r) => [r.sampler, r.figure.value]));
    expect(v.shuffle).toBeLessThanOrEqual(v.deterministic);
    expect(v.poisson).toBeLessThan(v.shuffle);
    expect(s.curves.epochs).toEqual([1, 31, 60]);
    for (const series of s.curves.series) expect(series.figures).toHaveLength(3);
  });

  test('multi-stage specs say why there is no sampler table and name the costliest stage', () => {
    const r = reports.get('finetune-two-stages')!;
    expect(r.samplers.applicable).toBe(false);
    expect(r.costliest.stages).toHaveLength(2);
    expect(r.costliest.label).toContain('second half');
    expect(reports.get('analytics')!.epochs.axis).toBe('stages');
  });
});

test('a short run compares every sampler named, balls-and-bins included, each with its kind', async () => {
  const text = JSON.stringify({
    name: 'short shuffled run',
    delta: 1e-5,
    stages: [{ mechanism: { kind: 'gaussian', noiseMultiplier: 2 }, sampler: { kind: 'shuffle', stepsPerEpoch: 10 }, epochs: 2 }],
  });
  const r = await buildReport({
    specText: text,
    source: 'short.json',
    settings: {
      overrides: { discretization: 1e-2 },
      maxEpochPoints: 1,
      profileEpsilons: [1, 2],
      samplers: ['deterministic', 'shuffle', 'persistent-shuffle', 'poisson', 'balls-and-bins'],
    },
  });
  if (!r.samplers.applicable) throw new Error('expected the sampler table');
  const kinds = Object.fromEntries(r.samplers.rows.map((row) => [row.sampler, row.figure.kind]));
  expect(kinds).toMatchObject({ deterministic: 'exact', shuffle: 'lower', poisson: 'upper', 'balls-and-bins': 'upper' });
  expect(r.headline.kind).toBe('lower');
  expect(reportMarkdown(r)).toContain('certified lower bound (the true value may be larger');
  expect(r.epochs.points.map((p) => p.label)).toEqual(['epoch 2']);
});

test('epochPoints: at most n, evenly spread, always the last', () => {
  expect(epochPoints(5, 20)).toEqual([1, 2, 3, 4, 5]);
  expect(epochPoints(60, 3)).toEqual([1, 31, 60]);
  expect(epochPoints(60, 1)).toEqual([60]);
  expect(epochPoints(100, 20).length).toBeLessThanOrEqual(20);
});

describe('dpacct report -o FILE, then dpacct verify FILE', () => {
  const spec = 'examples/finetune-two-stages.json';
  const args = ['--discretization', '0.01', '--epoch-points', '3', '--epsilon', '1,2,4', '--samplers', 'deterministic,poisson', '--quiet'];
  let saved: string;
  let dir: string;

  beforeAll(async () => {
    dir = tmp();
    saved = path.join(dir, 'report.json');
    const r = await runCli(['report', spec, '-o', saved, ...args], io());
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('json report written to');
  });

  test('the saved report holds: exit 0', async () => {
    const r = await runCli(['verify', saved], io());
    expect(r.stdout).toMatch(/^ok: all \d+ figures/);
    expect(r.exitCode).toBe(0);
  });

  test('a figure changed beyond the stated precision: exit 1, naming it', async () => {
    const j = JSON.parse(readFileSync(saved, 'utf8'));
    j.epochs.points[0].figure.value *= 1.001;
    const moved = path.join(dir, 'moved.json');
    writeFileSync(moved, JSON.stringify(j));
    const r = await runCli(['verify', moved], io());
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('epochs.points[0](epoch 1).figure');
  });

  test('a spec that no longer matches its SHA-256, or text that is not a report: exit 2', async () => {
    const j = JSON.parse(readFileSync(saved, 'utf8'));
    j.spec.text = j.spec.text.replace('0.9', '1.9');
    const damaged = path.join(dir, 'damaged.json');
    writeFileSync(damaged, JSON.stringify(j));
    const r = await runCli(['verify', damaged], io());
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('does not match spec.sha256');
    writeFileSync(damaged, readFileSync(saved, 'utf8').slice(0, 200));
    expect((await runCli(['verify', damaged], io())).exitCode).toBe(2);
    writeFileSync(damaged, '{"format": "something else"}');
    expect((await runCli(['verify', damaged], io())).exitCode).toBe(2);
  });

  test('the format follows the file name, --format overrides it, and a bad format is refused', async () => {
    const html = path.join(dir, 'r.html');
    expect((await runCli(['report', 'examples/analytics.json', '-o', html, ...args], io())).exitCode).toBe(0);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    const md = await runCli(['report', 'examples/analytics.json', '--format', 'md', ...args], io());
    expect(md.stdout).toMatch(/^# Privacy report: Analytics pipeline/);
    const bad = await runCli(['report', 'examples/analytics.json', '--format', 'pdf'], io());
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe('error: --format: expected md, html, json, got "pdf"\n');
  });
});

describe('dpacct compare --plot: epsilon against epochs as a text chart', () => {
  const args = [
    'compare',
    '--sigma',
    '1',
    '--steps-per-epoch',
    '10',
    '--epochs',
    '3',
    '--delta',
    '1e-5',
    '--discretization',
    '0.01',
    '--plot',
  ];

  test('a letter per sampler, the axes and a legend under the table', async () => {
    const r = await runCli(args, io());
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    const top = lines.findIndex((l) => l.startsWith('epsilon at delta = 1e-5'));
    expect(top).toBeGreaterThan(0);
    const chart = lines.slice(top);
    expect(chart.some((l) => /└┬─+┬─+┬/.test(l))).toBe(true);
    expect(r.stdout).toContain('P poisson (upper bound)');
    expect(r.stdout).toContain('s shuffle (lower bound)');
    // Poisson is the most private: its lowest point is below every shuffle point
    const rows = chart.filter((l) => /[┤│]/.test(l));
    const lowest = (m: string) => Math.max(...rows.map((l, i) => (l.slice(l.search(/[┤│]/) + 1).includes(m) ? i : -1)));
    expect(lowest('P')).toBeGreaterThan(lowest('s'));
    expect(lowest('s')).toBeGreaterThan(0);
  });

  test('--json carries the curves; --plot with --epsilon is refused', async () => {
    const r = await runCli([...args, '--json'], io());
    const j = JSON.parse(r.stdout);
    expect(j.plot.epochs).toEqual([1, 2, 3]);
    expect(j.plot.series.map((s: { sampler: string }) => s.sampler)).toEqual(
      expect.arrayContaining(['deterministic', 'shuffle', 'poisson']),
    );
    const bad = await runCli(['compare', '--sigma', '1', '--steps-per-epoch', '10', '--epochs', '4', '--epsilon', '2', '--plot'], io());
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--plot: draws epsilon against epochs');
  });
});

test('textChart puts the extremes in the corners and marks overlaps', async () => {
  const { textChart } = await import('../src/output/textChart.js');
  const lines = textChart({
    series: [
      {
        name: 'a',
        marker: 'a',
        points: [
          [1, 1],
          [10, 10],
        ],
      },
      { name: 'b', marker: 'b', points: [[10, 10]] },
    ],
    xLabel: 'x',
    yLabel: 'y',
    width: 20,
    height: 5,
    yLog: false,
  });
  const plot = lines.slice(1, 6);
  expect(plot[0].endsWith('*')).toBe(true);
  expect(plot[4]).toMatch(/┤a$/);
  expect(lines[lines.length - 1]).toContain('* several at one place');
});
