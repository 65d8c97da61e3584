/**
 * `dpacct verify REPORT.json`: recomputes a saved report from its embedded spec and settings.
 * Exit 0 when every figure still holds (within the report's stated precision), 1 when one moved beyond it,
 * 2 for a damaged report (not a dpacct JSON report, or its spec no longer matches its SHA-256).
 */
import type { Command } from 'commander';
import { COMMANDS } from './commands.js';
import { InputErrors } from '../errors.js';
import { stringify } from '../output/json.js';
import { formatNumber } from '../output/numbers.js';
import type { CommandContext } from './context.js';
import { EXIT } from './io.js';
import { addOptions, readOptions } from './options.js';
import { progressReporter } from './progress.js';

const KEYS = ['quiet', 'json'] as const;

function shown(v: unknown): string {
  if (v === null) return 'infinite';
  if (v === undefined) return 'absent';
  return typeof v === 'number' ? formatNumber(v, 8) : String(v);
}

export function registerVerify(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('verify')
    .argument('<report>', 'a JSON report written by `dpacct report --format json`')
    .summary(COMMANDS['verify'].summary)
    .description(
      'Recomputes a JSON report from the spec and settings embedded in it and compares every figure.\n' +
        'Exit status: 0 every figure holds within the stated precision, 1 a figure moved beyond it,\n' +
        '2 a damaged report (not a dpacct report, or the spec does not match its SHA-256).',
    );
  addOptions(cmd, KEYS).addHelpText(
    'after',
    `
Examples:
  dpacct report examples/dpsgd-60k.json -o report.json && dpacct verify report.json`,
  );
  cmd.action(async (path: string, raw: Record<string, unknown>) => {
    const flags = readOptions(raw, KEYS);
    let text: string;
    try {
      text = await ctx.io.readFile(path);
    } catch (e) {
      throw new InputErrors([`REPORT: cannot read ${JSON.stringify(path)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`]);
    }
    const { readStoredReport, reportFigures, compareFigures, DamagedReportError } = await import('../report/verify.js');
    let stored;
    try {
      stored = readStoredReport(text);
    } catch (e) {
      if (e instanceof DamagedReportError) {
        const problems = e.problems.map((p) => `damaged report ${path}: ${p}`);
        ctx.finish(
          flags.json
            ? { stdout: stringify({ command: 'verify', status: 'damaged', problems: e.problems }), exitCode: EXIT.badInput }
            : { stdout: '', stderr: problems.map((p) => `error: ${p}\n`).join(''), exitCode: EXIT.badInput },
        );
        return;
      }
      throw e;
    }
    const { buildReport } = await import('../report/build.js');
    const { reportJson } = await import('../output/reportJson.js');
    const onProgress = progressReporter(ctx.io, flags.quiet, 'recomputing');
    const onSampling = progressReporter(ctx.io, flags.quiet);
    let fresh;
    try {
      fresh = await buildReport({
        specText: stored.specText,
        source: stored.source,
        settings: stored.settings,
        ...(onProgress ? { onProgress } : {}),
        ...(onSampling ? { onSampling } : {}),
      });
    } catch (e) {
      if (e instanceof InputErrors) throw new InputErrors(e.problems.map((p) => `damaged report ${path}: embedded spec: ${p}`));
      throw e;
    }
    const recomputed = reportFigures(JSON.parse(stringify(reportJson(fresh))));
    const figures = reportFigures(stored.json);
    const moved = compareFigures(figures, recomputed, stored.precision);
    const status = moved.length === 0 ? 'holds' : 'moved';
    const exitCode = moved.length === 0 ? EXIT.ok : EXIT.overBudget;
    if (flags.json) {
      ctx.finish({
        stdout: stringify({
          command: 'verify',
          status,
          checked: figures.size,
          precision: stored.precision,
          reportVersion: stored.version,
          version: fresh.version,
          moved,
        }),
        exitCode,
      });
      return;
    }
    const versions =
      stored.version === fresh.version
        ? `dpacct ${fresh.version}`
        : `written by dpacct ${stored.version}, recomputed with ${fresh.version}`;
    const head =
      moved.length === 0
        ? `ok: all ${figures.size} figures of ${path} hold (recomputed within a relative ${formatNumber(stored.precision)}; ${versions})`
        : `changed: ${moved.length} of ${figures.size} figures of ${path} moved beyond a relative ${formatNumber(stored.precision)} (${versions})`;
    const lines = moved.map((m) =>
      m.field === 'missing'
        ? `  ${m.path}: no longer computed`
        : `  ${m.path}${m.field === 'value' ? '' : `.${m.field}`}: ${shown(m.stored)} in the report, ${shown(m.recomputed)} now`,
    );
    ctx.finish({ stdout: [head, ...lines].join('\n') + '\n', exitCode });
  });
}
