/** `dpacct report SPEC --format md|html|json [-o FILE]`: a privacy report a reviewer can sign. */
import { Option, type Command } from 'commander';
import { COMMANDS } from './commands.js';
import { InputError, InputErrors } from '../errors.js';
import type { PrivacyReport } from '../result.js';
import { domains, parseNumberText } from '../spec/numbers.js';
import { SAMPLER_KINDS } from '../spec/schema.js';
import { readSpecText, type CommandContext } from './context.js';
import { addOptions, readOptions } from './options.js';
import { progressReporter } from './progress.js';

const KEYS = ['epsilons', 'accountant', 'discretization', 'precision', 'samples', 'seed', 'confidence', 'quiet'] as const;
export const REPORT_FORMATS = ['md', 'html', 'json'] as const;
type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The format a file name asks for (`.html`, `.json`, `.md`), if any. */
function formatOfFile(path: string): ReportFormat | undefined {
  const m = /\.(html?|json|md|markdown)$/i.exec(path);
  if (!m) return undefined;
  const ext = m[1].toLowerCase();
  return ext.startsWith('htm') ? 'html' : ext === 'json' ? 'json' : 'md';
}

export async function renderReport(report: PrivacyReport, format: ReportFormat): Promise<string> {
  switch (format) {
    case 'md':
      return (await import('../output/reportMarkdown.js')).reportMarkdown(report);
    case 'html':
      return (await import('../output/reportHtml.js')).reportHtml(report);
    case 'json':
      return (await import('../output/reportJson.js')).reportJsonText(report);
  }
}

export function registerReport(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('report')
    .argument('<spec>', 'spec file (JSON), or - to read it from stdin')
    .summary(COMMANDS['report'].summary)
    .description(
      'Writes a privacy report of a spec: the guarantee in one sentence, every assumption and setting,\n' +
        'epsilon for each batch sampler of the same run, epsilon after each epoch, the privacy profile\n' +
        'delta(epsilon), the costliest stage, and the dpacct version, the spec and its SHA-256, the date.\n' +
        'Markdown, self-contained HTML (inline SVG plots, no scripts, opens offline) or JSON; a saved JSON\n' +
        'report is checked later with `dpacct verify`.',
    );
  cmd.addOption(new Option('--format <format>', 'md, html or json (default: from the -o file name, else md)'));
  cmd.addOption(new Option('-o, --output <file>', 'write the report to this file instead of stdout'));
  cmd.addOption(new Option('--epoch-points <n>', 'at most this many points on the per-epoch curves (default 20)'));
  cmd.addOption(new Option('--samplers <list>', `compare only these comma-separated samplers (${SAMPLER_KINDS.join(', ')}; default all)`));
  addOptions(cmd, KEYS, {
    epsilons: 'the privacy profile delta(epsilon) at these comma-separated epsilons (default: around the headline epsilon)',
    samples: 'add the balls-and-bins Monte Carlo row with this many samples',
  }).addHelpText(
    'after',
    `
Examples:
  dpacct report examples/dpsgd-60k.json -o report.html
  dpacct report examples/finetune-two-stages.json --format md
  dpacct report examples/dpsgd-60k.json --format json -o report.json && dpacct verify report.json`,
  );
  cmd.action(async (path: string, raw: Record<string, unknown>) => {
    const flags = readOptions(raw, KEYS);
    const problems: string[] = [];
    const output = raw.output as string | undefined;
    let format: ReportFormat | undefined;
    if (raw.format !== undefined) {
      if (!(REPORT_FORMATS as readonly string[]).includes(String(raw.format)))
        problems.push(new InputError('--format', REPORT_FORMATS.join(', '), String(raw.format)).message);
      else format = raw.format as ReportFormat;
    }
    format ??= (output !== undefined ? formatOfFile(output) : undefined) ?? 'md';
    let maxEpochPoints: number | undefined;
    if (raw.epochPoints !== undefined) {
      try {
        maxEpochPoints = parseNumberText('--epoch-points', String(raw.epochPoints), domains.positiveInteger);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    let samplers: string[] | undefined;
    if (raw.samplers !== undefined) {
      samplers = String(raw.samplers)
        .split(',')
        .map((x) => x.trim());
      for (const x of samplers)
        if (!(SAMPLER_KINDS as readonly string[]).includes(x))
          problems.push(new InputError('--samplers', `a comma-separated list of ${SAMPLER_KINDS.join(', ')}`, x).message);
    }
    if (output !== undefined && !ctx.io.writeFile) problems.push('-o: cannot write files here');
    if (problems.length) throw new InputErrors(problems);

    const { text, source } = await readSpecText(ctx.io, path);
    const { buildReport } = await import('../report/build.js');
    const overrides = {
      ...(flags.accountant !== undefined ? { accountant: flags.accountant } : {}),
      ...(flags.discretization !== undefined ? { discretization: flags.discretization } : {}),
      ...(flags.samples !== undefined ? { samples: flags.samples } : {}),
      ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
      ...(flags.confidence !== undefined ? { confidence: flags.confidence } : {}),
    };
    const onProgress = progressReporter(ctx.io, flags.quiet, 'report');
    const onSampling = progressReporter(ctx.io, flags.quiet);
    const report = await buildReport({
      specText: text,
      source,
      settings: {
        overrides,
        ...(flags.epsilons ? { profileEpsilons: [...flags.epsilons] } : {}),
        ...(maxEpochPoints !== undefined ? { maxEpochPoints } : {}),
        ...(samplers ? { samplers } : {}),
      },
      ...(onProgress ? { onProgress } : {}),
      ...(onSampling ? { onSampling } : {}),
    });
    const rendered = await renderReport(report, format);
    if (output === undefined) {
      ctx.finish({ stdout: rendered, exitCode: 0 });
      return;
    }
    try {
      await ctx.io.writeFile!(output, rendered);
    } catch (e) {
      throw new InputErrors([`-o: cannot write ${JSON.stringify(output)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`]);
    }
    const { guaranteeSentence } = await import('../output/reportText.js');
    ctx.finish({ stdout: `${format} report written to ${output}\n${guaranteeSentence(report)}\n`, exitCode: 0 });
  });
}
