/**
 * Loss models for DP scaling laws: the training loss L(M, T, sigma_bar) of a model of M parameters trained for T
 * steps with noise-batch ratio sigma_bar = sigma / B (McKenna et al., arXiv 2501.18914, Sec. 3). Two kinds:
 *
 * - a table of measured losses (CSV: model size, steps, noise-batch ratio, loss on a full grid), smoothed to be
 *   non-increasing in steps and non-decreasing in noise (isotonic regression, as the paper smooths its runs) and
 *   interpolated linearly in log space (log loss against log M, log T, log sigma_bar);
 * - a parametric law (JSON), the paper's Appendix E "form 2":
 *     L = E + A / M^alpha + B / T^beta + C * s^gamma / M^kappa,  s = sigmoid((ln sigma_bar + center) / width).
 *   The data term is in steps T: the paper's loss is a function of (M, T, sigma_bar) only (Sec. 3: the batch size
 *   enters through the noise-batch ratio), as its fitted tables are.
 *
 * Every model has a domain (the ranges it was fitted or measured on); a configuration outside it is reported as
 * such, never extrapolated.
 */
import { z } from 'zod';
import { InputErrors } from '../../src/errors.js';

export interface Range {
  readonly min: number;
  readonly max: number;
}

export interface LossDomain {
  readonly modelSize: Range;
  readonly steps: Range;
  readonly noiseBatchRatio: Range;
}

/** One training configuration as the loss model sees it. */
export interface LossPoint {
  readonly modelSize: number;
  readonly steps: number;
  readonly noiseBatchRatio: number;
}

export interface LossModel {
  readonly name: string;
  /** where it comes from and how it was made */
  readonly source: string;
  readonly domain: LossDomain;
  /** the predicted loss; call only for points inside the domain (see outsideDomain) */
  predict(p: LossPoint): number;
}

const DOMAIN_WORDS: Record<keyof LossDomain, string> = { modelSize: 'model size', steps: 'steps', noiseBatchRatio: 'noise-batch ratio' };

/** Why a configuration is outside the model's domain, or undefined when inside. */
export function outsideDomain(model: LossModel, p: LossPoint): string | undefined {
  for (const key of Object.keys(DOMAIN_WORDS) as (keyof LossDomain)[]) {
    const r = model.domain[key];
    const v = p[key];
    // a relative slack of 1e-9 so that grid end points computed in floating point count as inside
    if (!(v >= r.min * (1 - 1e-9) && v <= r.max * (1 + 1e-9)))
      return `${DOMAIN_WORDS[key]} ${v.toPrecision(3)} is outside the loss model's domain [${r.min.toPrecision(3)}, ${r.max.toPrecision(3)}]`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Parametric law

const positive = z.number().gt(0);
const range = z
  .object({ min: positive, max: positive })
  .strict()
  .refine((r) => r.min <= r.max, { message: 'expected min <= max' });

export const parametricLawSchema = z
  .object({
    kind: z.literal('parametric-law'),
    name: z.string(),
    source: z.string(),
    /** the paper's Appendix E form 2; the only form supported */
    form: z.literal('mckenna-form-2'),
    coefficients: z
      .object({
        E: z.number(),
        A: z.number().gte(0),
        alpha: z.number(),
        B: z.number().gte(0),
        beta: z.number(),
        C: z.number().gte(0),
        gamma: z.number(),
        kappa: z.number(),
        center: z.number(),
        width: positive,
      })
      .strict(),
    domain: z.object({ modelSize: range, steps: range, noiseBatchRatio: range }).strict(),
    fit: z.unknown().optional(),
  })
  .strict();

export type ParametricLaw = z.infer<typeof parametricLawSchema>;

/** s in (0, 1): how far the noise-batch ratio is into the regime where noise dominates. */
export function noiseSaturation(noiseBatchRatio: number, center: number, width: number): number {
  return 1 / (1 + Math.exp(-(Math.log(noiseBatchRatio) + center) / width));
}

/** The four terms of form 2 with unit scale coefficients (E's term is 1): L = [E, A, B, C] . terms. */
export function parametricTerms(
  c: Pick<ParametricLaw['coefficients'], 'alpha' | 'beta' | 'gamma' | 'kappa' | 'center' | 'width'>,
  p: LossPoint,
): [number, number, number, number] {
  const s = noiseSaturation(p.noiseBatchRatio, c.center, c.width);
  return [1, p.modelSize ** -c.alpha, p.steps ** -c.beta, s ** c.gamma * p.modelSize ** -c.kappa];
}

export function parametricModel(law: ParametricLaw): LossModel {
  const c = law.coefficients;
  return {
    name: law.name,
    source: law.source,
    domain: law.domain,
    predict(p) {
      const t = parametricTerms(c, p);
      return c.E * t[0] + c.A * t[1] + c.B * t[2] + c.C * t[3];
    },
  };
}

/** A parametric law from JSON text; problems name their JSON path (`coefficients.alpha: ...`). */
export function parseParametricLaw(value: unknown, source: string): ParametricLaw {
  const r = parametricLawSchema.safeParse(value);
  if (r.success) return r.data;
  throw new InputErrors(r.error.issues.map((i) => `${source}: ${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`));
}

// ---------------------------------------------------------------------------------------------------------
// Table of measured losses

const COLUMN_NAMES: Record<'modelSize' | 'steps' | 'noiseBatchRatio' | 'loss', readonly string[]> = {
  modelSize: ['modelsize', 'model size', 'model_size', 'params', 'parameters'],
  steps: ['steps', 'iterations', 'iters'],
  noiseBatchRatio: ['noisebatchratio', 'noise batch ratio', 'noise_batch_ratio', 'nbr'],
  loss: ['loss', 'cross entropy', 'cross_entropy', 'xent'],
};

/** Non-increasing least-squares fit of ys (pool adjacent violators). */
export function isotonicDecreasing(ys: readonly number[]): number[] {
  const blocks: { sum: number; count: number }[] = [];
  for (const y of ys) {
    blocks.push({ sum: y, count: 1 });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1];
      const a = blocks[blocks.length - 2];
      if (a.sum / a.count >= b.sum / b.count) break;
      a.sum += b.sum;
      a.count += b.count;
      blocks.pop();
    }
  }
  return blocks.flatMap((b) => Array<number>(b.count).fill(b.sum / b.count));
}

/** index i and weight w with xs[i] <= x <= xs[i+1] on log scale (xs ascending, x inside). */
function locate(xs: readonly number[], x: number): [number, number] {
  if (xs.length === 1) return [0, 0];
  let i = 0;
  while (i < xs.length - 2 && x > xs[i + 1]) i++;
  const w = (Math.log(x) - Math.log(xs[i])) / (Math.log(xs[i + 1]) - Math.log(xs[i]));
  return [i, Math.min(1, Math.max(0, w))];
}

/**
 * A loss table from CSV text. Columns (header names, any order, case-insensitive): model size, steps (or
 * iterations), noise-batch ratio, loss. The rows must cover the full grid of the distinct values of the three
 * inputs (each combination once). Smoothing: along steps the loss is made non-increasing, then along noise
 * non-decreasing (isotonic regression, one pass each, per model size).
 */
export function tableModel(text: string, source: string): LossModel {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const problems: string[] = [];
  if (lines.length < 2) throw new InputErrors([`${source}: expected a header line and at least one row`]);
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const col = {} as Record<keyof typeof COLUMN_NAMES, number>;
  for (const key of Object.keys(COLUMN_NAMES) as (keyof typeof COLUMN_NAMES)[]) {
    const i = header.findIndex((h) => COLUMN_NAMES[key].includes(h));
    if (i < 0) problems.push(`${source}: header: missing column ${key} (one of: ${COLUMN_NAMES[key].join(', ')})`);
    col[key] = i;
  }
  if (problems.length) throw new InputErrors(problems);
  const rows: { m: number; t: number; n: number; loss: number }[] = [];
  lines.slice(1).forEach((line, k) => {
    const cells = line.split(',').map((c) => Number(c.trim()));
    const v = { m: cells[col.modelSize], t: cells[col.steps], n: cells[col.noiseBatchRatio], loss: cells[col.loss] };
    if (![v.m, v.t, v.n, v.loss].every((x) => Number.isFinite(x) && x > 0))
      problems.push(`${source}: line ${k + 2}: expected four numbers > 0, got "${line}"`);
    else rows.push(v);
  });
  if (problems.length) throw new InputErrors(problems.slice(0, 10));
  const axis = (f: (r: (typeof rows)[number]) => number) => [...new Set(rows.map(f))].sort((a, b) => a - b);
  const ms = axis((r) => r.m);
  const ts = axis((r) => r.t);
  const ns = axis((r) => r.n);
  const at = (i: number, j: number, k: number) => (i * ts.length + j) * ns.length + k;
  const loss = new Float64Array(ms.length * ts.length * ns.length).fill(NaN);
  for (const r of rows) {
    const index = at(ms.indexOf(r.m), ts.indexOf(r.t), ns.indexOf(r.n));
    if (!Number.isNaN(loss[index])) problems.push(`${source}: model size ${r.m}, steps ${r.t}, noise-batch ratio ${r.n} appears twice`);
    loss[index] = r.loss;
  }
  const missing = loss.filter((x) => Number.isNaN(x)).length;
  if (missing > 0)
    problems.push(
      `${source}: ${missing} of the ${loss.length} combinations of model size x steps x noise-batch ratio are missing (a full grid is needed)`,
    );
  if (problems.length) throw new InputErrors(problems.slice(0, 10));
  // smoothing: loss non-increasing in steps, then non-decreasing in noise
  for (let i = 0; i < ms.length; i++) {
    for (let k = 0; k < ns.length; k++) {
      const smooth = isotonicDecreasing(ts.map((_, j) => loss[at(i, j, k)]));
      smooth.forEach((y, j) => (loss[at(i, j, k)] = y));
    }
    for (let j = 0; j < ts.length; j++) {
      const smooth = isotonicDecreasing(ns.map((_, k) => -loss[at(i, j, k)]));
      smooth.forEach((y, k) => (loss[at(i, j, k)] = -y));
    }
  }
  return {
    name: `table ${source}`,
    source: `measured losses from ${source} (${ms.length} model sizes x ${ts.length} step counts x ${ns.length} noise-batch ratios), smoothed and interpolated in log space`,
    domain: {
      modelSize: { min: ms[0], max: ms[ms.length - 1] },
      steps: { min: ts[0], max: ts[ts.length - 1] },
      noiseBatchRatio: { min: ns[0], max: ns[ns.length - 1] },
    },
    predict(p) {
      // trilinear interpolation of log loss in (log M, log T, log sigma_bar)
      const [i, wi] = locate(ms, p.modelSize);
      const [j, wj] = locate(ts, p.steps);
      const [k, wk] = locate(ns, p.noiseBatchRatio);
      let sum = 0;
      for (const [di, fi] of [
        [0, 1 - wi],
        [1, wi],
      ] as const)
        for (const [dj, fj] of [
          [0, 1 - wj],
          [1, wj],
        ] as const)
          for (const [dk, fk] of [
            [0, 1 - wk],
            [1, wk],
          ] as const) {
            const f = fi * fj * fk;
            if (f > 0) sum += f * Math.log(loss[at(i + di, j + dj, k + dk)]);
          }
      return Math.exp(sum);
    },
  };
}
