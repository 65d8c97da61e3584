/**
 * DP scaling laws (McKenna et al., arXiv 2501.18914): the noise a configuration needs, and compute-budget searches
 * over configurations with a loss model. A consumer of the accounting engine and its calibration, not an accountant.
 */
import type { ScalingNoiseResult, ScalingUnitsResult } from '../../src/result.js';
import { calibrateNoise, unamplifiedNoise, unitsForBudget, type NoiseQuestion, type UnitsQuestion } from './noise.js';

export { calibrateNoise, unamplifiedNoise, unitsForBudget } from './noise.js';
export type { AccountingChoice, NoiseCalibration, NoiseQuestion, UnitsAnswer, UnitsQuestion } from './noise.js';
export { evaluate, optimize, saturate, computeRange, NON_PRIVATE_TOKENS_PER_PARAMETER } from './search.js';
export type { BudgetQuestion, SearchOptions } from './search.js';
export { outsideDomain, parametricModel, parseParametricLaw, tableModel } from './lossModel.js';
export type { LossDomain, LossModel, LossPoint, ParametricLaw } from './lossModel.js';
export { BERT_TABLE2_LAW } from './bertTable2Law.js';

/** The noise of one configuration and the figures that follow from it (`dpacct scaling noise`). */
export async function noiseReport(
  q: NoiseQuestion & { readonly seqLen?: number; readonly modelSize?: number },
): Promise<ScalingNoiseResult> {
  const sampler = q.sampler ?? 'poisson';
  const found = await calibrateNoise(q);
  const unamplified = sampler === 'poisson' ? (await unamplifiedNoise(q)).noiseMultiplier : undefined;
  const tokens = q.seqLen !== undefined ? q.batchSize * q.seqLen * q.steps : undefined;
  const notes = [...found.notes];
  if (unamplified !== undefined && unamplified < found.noiseMultiplier)
    notes.push(
      `Deterministic batches would need less noise (${unamplified.toPrecision(4)}); the paper used the smaller of the two figures, which is valid only for training that uses deterministic batches.`,
    );
  if (q.modelSize !== undefined && tokens === undefined) notes.push('Give --seq-len to get tokens and compute (6 M B S T).');
  return {
    epsilon: q.epsilon,
    delta: q.delta,
    units: q.units,
    batchSize: q.batchSize,
    steps: q.steps,
    sampler,
    accountant: found.result.accountant.name,
    noiseMultiplier: found.noiseMultiplier,
    guarantee: found.guarantee,
    noiseBatchRatio: found.noiseMultiplier / q.batchSize,
    samplingRate: q.batchSize / q.units,
    epochs: (q.batchSize * q.steps) / q.units,
    ...(unamplified !== undefined ? { unamplifiedNoiseMultiplier: unamplified } : {}),
    ...(q.seqLen !== undefined ? { seqLen: q.seqLen, tokens } : {}),
    ...(q.modelSize !== undefined ? { modelSize: q.modelSize } : {}),
    ...(q.modelSize !== undefined && tokens !== undefined
      ? { computeFlops: 6 * q.modelSize * tokens, tokensPerParameter: tokens / q.modelSize }
      : {}),
    accounting: found.result,
    notes: [...notes, ...(found.result.notes ?? [])],
  };
}

/** The units a published configuration needs for its budget (`dpacct scaling noise --sigma ...`). */
export async function unitsReport(q: UnitsQuestion & { readonly seqLen?: number }): Promise<ScalingUnitsResult> {
  const found = await unitsForBudget(q);
  return {
    epsilon: q.epsilon,
    delta: q.delta,
    noiseMultiplier: q.noiseMultiplier,
    batchSize: q.batchSize,
    steps: q.steps,
    accountant: found.result.accountant.name,
    units: found.units,
    samplingRate: q.batchSize / found.units,
    epochs: (q.batchSize * q.steps) / found.units,
    ...(q.seqLen !== undefined ? { seqLen: q.seqLen, tokensInUnits: found.units * q.seqLen } : {}),
    accounting: found.result,
    notes: [...found.notes, ...(found.result.notes ?? [])],
  };
}
