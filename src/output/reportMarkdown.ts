/** A privacy report as Markdown (`dpacct report --format md`): the same sections as the HTML, tables instead of plots. */
import type { PrivacyReport } from '../result.js';
import { formatInput, formatNumber } from './numbers.js';
import { boundsText, figureText, guaranteeSentence, KIND_NAME, settingLines, stageWords } from './reportText.js';

/** Table cell text: pipes and line breaks would break the row. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${head.map(cell).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fenced(text: string, lang: string): string[] {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return [fence + lang, text.replace(/\n$/, ''), fence];
}

export function reportMarkdown(report: PrivacyReport): string {
  const q = report.headline.quantity === 'epsilon' ? 'ε' : 'δ';
  const out: string[] = [`# Privacy report: ${report.title}`, ''];
  if (report.description) out.push(report.description, '');
  out.push('## Guarantee', '', `> ${guaranteeSentence(report)}`, '');
  const bounds = boundsText(report.headline);
  if (bounds) out.push(`Other certified bounds on ${q}: ${bounds}.`, '');

  out.push('## Assumptions and settings', '');
  for (const line of [...settingLines(report), ...report.assumptions]) out.push(`- ${line}`);
  out.push(
    '',
    ...table(
      ['stage', 'mechanism', 'sampler', 'steps'],
      report.stages.map((s) => Object.values(stageWords(s))),
    ),
    '',
  );

  out.push(`## ε per batch sampler (δ = ${formatInput(report.delta)})`, '');
  if (report.samplers.applicable) {
    const s = report.samplers;
    out.push(
      `Same run for every sampler: noise multiplier ${formatInput(s.setting.noiseMultiplier)}, T = ${s.setting.stepsPerEpoch} batches per epoch, E = ${s.setting.epochs} epochs.`,
      '',
    );
    out.push(
      ...table(
        ['sampler', 'ε', 'kind', 'other bounds', 'vs Poisson', 'note'],
        s.rows.map((r) => [
          r.sampler,
          figureText(r.figure),
          KIND_NAME[r.figure.kind],
          boundsText(r.figure) || '–',
          r.ratioToPoisson !== undefined ? `×${formatNumber(r.ratioToPoisson, 3)}` : '–',
          r.notes[0] ?? '',
        ]),
      ),
      '',
    );
    for (const n of s.notes) out.push(`- ${n}`);
    out.push('');
  } else out.push(`Not applicable: ${report.samplers.reason}.`, '');

  out.push(`## ε after each ${report.epochs.axis === 'stages' ? 'stage' : 'epoch'} (δ = ${formatInput(report.delta)})`, '');
  if (report.epochs.axis === 'none') out.push(`Not computed: ${report.epochs.reason}.`, '');
  else
    out.push(
      ...table(
        ['after', 'steps', 'ε', 'kind'],
        report.epochs.points.map((p) => [p.label, String(p.steps), figureText(p.figure), p.figure.kind]),
      ),
      '',
    );
  if (report.samplers.applicable) {
    const c = report.samplers.curves;
    out.push(
      `Per sampler:`,
      '',
      ...table(
        ['epochs', ...c.series.map((s) => s.sampler)],
        c.epochs.map((e, i) => [String(e), ...c.series.map((s) => figureText(s.figures[i]))]),
      ),
      '',
    );
  }

  out.push('## Privacy profile δ(ε)', '');
  out.push(
    ...table(
      ['ε', 'δ', 'kind', 'other bounds'],
      report.profile.points.map((p) => [formatInput(p.epsilon), figureText(p.figure), p.figure.kind, boundsText(p.figure) || '–']),
    ),
    '',
  );
  for (const n of report.profile.notes) out.push(`- ${n}`);
  if (report.profile.notes.length) out.push('');

  out.push('## Costliest stage', '');
  out.push(
    `${report.costliest.label}: ε ${figureText(report.costliest.figure)} on its own at δ = ${formatInput(report.delta)} (${KIND_NAME[report.costliest.figure.kind]}).`,
    '',
  );
  if (report.costliest.stages.length > 1)
    out.push(
      ...table(
        ['stage', 'ε alone', 'kind'],
        report.costliest.stages.map((s) => [s.label, figureText(s.figure), s.figure.kind]),
      ),
      '',
    );

  out.push('## Provenance', '');
  out.push(
    `- dpacct ${report.version}`,
    `- generated ${report.generatedAt}`,
    `- spec: ${report.spec.source}, SHA-256 \`${report.spec.sha256}\``,
    '',
  );
  out.push(...fenced(report.spec.text, 'json'), '');
  return out.join('\n');
}
