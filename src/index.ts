/**
 * dpacct as a library: the accountants and their registry, the plan and result types, the spec functions
 * and the formatters (the command line itself is not part of it). README "Library" has a typed example that
 * the tests compile (test/library-example.test.ts).
 *
 *   import { pldEpsilon, parseSpec, planFromSpec, accountPlan } from 'dpacct';
 *   const f = pldEpsilon([{ mechanism: { kind: 'gaussian', noiseMultiplier: 1.1 }, poissonRate: 256 / 60000, steps: 14063 }], 1e-5);
 *   // f.upper: certified upper bound on epsilon; f.lower: certified lower bound; f.kind: 'upper' | 'exact'
 *   const r = await accountPlan(planFromSpec(parseSpec(text, 'spec.json')));   // through the registry
 *
 * Library functions never print, never exit and never read argv; bad input throws InputError (or
 * InputErrors), figures that cannot be certified throw AccountingError.
 */

// vocabulary, plan, results and errors
export { mechanismSchema } from './mechanism.js';
export type { Mechanism, Stage, Adjacency } from './mechanism.js';
export { engineStages, gaussianBatchStage } from './plan.js';
export type { GaussianBatchSetting } from './plan.js';
export type { BoundKind, Figure, AccountingResult, AccountantCalibration } from './result.js';
export { InputError, InputErrors, AccountingError } from './errors.js';
export { VERSION, OUTPUT_SCHEMA_VERSION, SPEC_SCHEMA_VERSION } from './version.js';

// the accountant contract and registry (each accountant loaded on first use)
export { accountantFor, loadAccountant, allAccountants, ACCOUNTANT_NAMES } from '../accountants/index.js';
export type { Accountant, AccountOptions } from '../accountants/index.js';

// accountants as functions
export { pldEpsilon, pldDelta, pldAccountant, DEFAULT_DISCRETIZATION } from '../accountants/pld.js';
export type { PldOptions, PldFigure, DirectionFigure, PldAccountant } from '../accountants/pld.js';
export { rdpEpsilon, rdpDelta, rdpOfStages, DEFAULT_RDP_ORDERS, epsilonFromRdp, deltaFromRdp } from '../accountants/rdp.js';
export type { RdpOptions, RdpEpsilon, RdpDelta, RdpCurve } from '../accountants/rdp.js';
export { samplerEpsilon, samplerDelta, compareSamplers, samplerCalibrateNoise, SAMPLERS } from '../accountants/samplers.js';
export type {
  SamplerName,
  SamplerSetting,
  SamplerFigure,
  SamplerComparison,
  SamplerComparisonRow,
  NoiseCalibration,
} from '../accountants/samplers.js';
export {
  deterministicEpsilon,
  deterministicDelta,
  deterministicNoiseMultiplier,
  analyticGaussianEpsilon,
  analyticGaussianDelta,
} from '../accountants/deterministic.js';
export { shuffleEpsilonLowerBound, shuffleDeltaLowerBound } from '../accountants/shuffle.js';
export type { ShuffleMode, ShuffleOptions, ShuffleLowerFigure } from '../accountants/shuffle.js';
export { ballsAndBinsEpsilon, ballsAndBinsDelta } from '../accountants/ballsAndBins/index.js';
export type {
  BallsAndBinsSetting,
  BallsAndBinsMethod,
  BallsAndBinsEpsilonResult,
  BallsAndBinsDeltaResult,
  DeltaEstimate,
  DirectionEstimate,
} from '../accountants/ballsAndBins/index.js';
export { calibrateDecreasing, calibrateIncreasing } from './calibrate.js';
export { solveMonotone, solveMonotoneAsync } from './numeric/rootFinder.js';
export type { MonotoneSearch, SearchResult } from './numeric/rootFinder.js';
export type { CalibrationOptions, Calibration } from './calibrate.js';

// specs: schema, validation, plans, accounting of a plan, budget checks, calibration
export { specSchema, specJsonSchema, SAMPLER_KINDS, ADJACENCIES, PRIVACY_UNITS, ACCOUNTANTS } from './spec/schema.js';
export type { Spec, SpecStage, SpecSampler, SpecMechanism, SamplerKind } from './spec/schema.js';
export { parseSpec, validateSpec } from './spec/validate.js';
export { planFromSpec, engineStage } from './spec/plan.js';
export type { AccountingPlan, PlanStage, Query, AccountantName, PrivacyUnit, MonteCarloSettings } from './spec/plan.js';
export {
  accountPlan,
  accountPlanAsync,
  accountDeltaCurve,
  accountDeltaCurveAsync,
  planAccountant,
  checkBudget,
  checkBudgetAsync,
  stageCosts,
  describeInputs,
} from './spec/evaluate.js';
export type { BudgetCheck, StageCost, PlanAccountant, MonteCarloRun } from './spec/evaluate.js';
export { calibrate, calibratePlan, certifiedEpsilon } from './spec/calibration.js';
export { compareSamplerRows, samplerPlan } from './spec/compare.js';
export type { ComparisonSetting } from './spec/compare.js';
export type { CalibrationProblem } from './spec/calibration.js';
export { domains, parseNumberText } from './domains.js';
export { buildReport, profileGrid, sha256 } from './report/build.js';
export type { ReportRequest } from './report/build.js';
export { readStoredReport, reportFigures, compareFigures, DamagedReportError } from './report/verify.js';
export { epochPoints, samplerCurves } from './report/epochs.js';

// DP scaling laws (McKenna et al., arXiv 2501.18914): the noise of a configuration, compute-budget searches, loss models
export {
  noiseReport,
  unitsReport,
  calibrateNoise as scalingCalibrateNoise,
  unitsForBudget,
  optimize as scalingOptimize,
  saturate as scalingSaturate,
  evaluate as scalingEvaluate,
  parametricModel,
  parseParametricLaw,
  tableModel,
  outsideDomain,
  BERT_TABLE2_LAW,
} from '../accountants/scaling/index.js';
export type {
  LossModel,
  LossDomain,
  LossPoint,
  ParametricLaw,
  BudgetQuestion,
  SearchOptions,
  NoiseQuestion,
  UnitsQuestion,
} from '../accountants/scaling/index.js';
export type {
  ScalingNoiseResult,
  ScalingUnitsResult,
  ScalingConfiguration,
  ScalingBand,
  ScalingOptimizeResult,
  ScalingSaturateResult,
  ScalingEvalResult,
} from './result.js';

// output (formatters: a result in, text out)
export { resultJson, budgetJson, calibrationJson, comparisonJson, deltaCurveJson, stringify } from './output/json.js';
export { scalingNoiseJson, scalingOptimizeJson, scalingSaturateJson, scalingEvalJson, scalingUnitsJson } from './output/scaling.js';
export { resultTable, budgetTable, calibrationTable, comparisonTable, deltaCurveTable } from './output/table.js';
export { formatFigure, formatNumber } from './output/numbers.js';
export { makeStyle, colourWanted } from './output/style.js';
export { reportMarkdown } from './output/reportMarkdown.js';
export { reportHtml } from './output/reportHtml.js';
export { reportJson, reportJsonText } from './output/reportJson.js';
export type {
  BudgetReport,
  CalibrationReport,
  ComparisonReport,
  ComparisonRow,
  CalibrationParameter,
  DeltaCurveReport,
  PrivacyReport,
  ReportFigure,
  ReportSettings,
} from './result.js';
