/**
 * The HTML report in a real headless browser (Debian's chromium, driven by playwright-core; `.ci/run`
 * installs chromium where it is missing): the page loads from a file with no console errors and no
 * network request, both plots are drawn with non-empty paths, and a screenshot is saved as a test artifact
 * (test-artifacts/, gitignored) for a person to look at.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { buildReport } from '../src/report/build.js';
import { reportHtml } from '../src/output/reportHtml.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test-artifacts');
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let context: BrowserContext;
let file: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium; .ci/run does this)`);
  const spec = 'examples/dpsgd-60k.json';
  const report = await buildReport({
    specText: readFileSync(spec, 'utf8'),
    source: spec,
    settings: {
      overrides: { discretization: 1e-2 },
      maxEpochPoints: 6,
      profileEpsilons: [0.25, 0.5, 1, 2, 3, 4],
      samplers: ['deterministic', 'shuffle', 'persistent-shuffle', 'poisson'],
    },
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  file = path.join(ARTIFACTS, 'report-dpsgd-60k.html');
  writeFileSync(file, reportHtml(report));
  // a fresh profile directory: nothing from an earlier run or another user leaks in
  context = await chromium.launchPersistentContext(mkdtempSync(path.join(tmpdir(), 'dpacct-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1000, height: 900 },
  });
});

afterAll(async () => {
  await context?.close();
});

test('the HTML report loads offline without errors, draws both plots, and is screenshotted', async () => {
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url());
  });
  await page.goto('file://' + file, { waitUntil: 'load' });

  const plots = await page.$$eval('svg.chart', (svgs) =>
    svgs.map((svg) => ({
      id: svg.id,
      paths: [...svg.querySelectorAll('path.line')].map((p) => p.getAttribute('d') ?? ''),
      width: svg.getBoundingClientRect().width,
    })),
  );
  expect(plots.map((p) => p.id).sort()).toEqual(['plot-profile', 'plot-samplers']);
  for (const plot of plots) {
    expect(plot.width).toBeGreaterThan(300);
    expect(plot.paths.length).toBeGreaterThan(0);
    for (const d of plot.paths) expect(d).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+$/);
  }
  expect(await page.textContent('#guarantee')).toMatch(/differentially private with ε ≤ 2\.\d+ at δ = 1e-5/);

  await page.screenshot({ path: path.join(ARTIFACTS, 'report-dpsgd-60k.png'), fullPage: true });
  expect(existsSync(path.join(ARTIFACTS, 'report-dpsgd-60k.png'))).toBe(true);
  expect(errors).toEqual([]);
  expect(requests).toEqual([]);
});
