/**
 * The mechanisms beyond the Gaussian family against dp_accounting 0.6.0 (test/fixtures/events.json, a verbatim
 * copy of the project's reference file; see test/fixtures/README.md): PLDAccountant at a 1e-4 grid, pessimistic and optimistic, and
 * RdpAccountant with its default orders).
 *
 * PLD rows: dpacct's certified upper bound must be at or above dp_accounting's optimistic figure (a lower
 * estimate of the same discretized analysis) and within 0.1% of its pessimistic figure, or below it (a
 * tighter grid or pair); where the file gives an exact value, the upper bound is at or above it and the
 * lower bound at or below it. RDP rows: within 1e-6 relative (same orders, same conversion).
 */
import { pldEpsilon } from '../accountants/pld.js';
import { rdpEpsilon } from '../accountants/rdp.js';
import type { Adjacency, Stage } from '../src/mechanism.js';

import { reference } from './helpers/reference.js';

const fixture = reference('events.json');
type Row = any;
/** every kind but repeat-and-select, which wraps a whole composition (test/events-spec.test.ts) */
const UNSUPPORTED = new Set(['repeat_and_select']);
const rows: Row[] = fixture.rows.filter((r: Row) => !UNSUPPORTED.has(r.kind));

function stageOf(r: Row): Stage {
  const e = r.event;
  const steps = r.count;
  switch (e.type) {
    case 'DiscreteLaplaceDpEvent':
      return { mechanism: { kind: 'discrete-laplace', parameter: e.noise_parameter, sensitivity: e.sensitivity }, steps };
    case 'DiscreteGaussianDpEvent':
      return { mechanism: { kind: 'discrete-gaussian', sigma: e.sigma, sensitivity: e.sensitivity }, steps };
    case 'MixtureOfGaussiansDpEvent':
      return {
        mechanism: {
          kind: 'mixture-of-gaussians',
          noiseMultiplier: e.standard_deviation,
          sensitivities: e.sensitivities,
          probabilities: e.sampling_probs,
        },
        steps,
      };
    case 'ExponentialMechanismDpEvent':
      return { mechanism: { kind: 'exponential', epsilon: e.epsilon }, steps };
    case 'PermuteAndFlipDpEvent':
      return { mechanism: { kind: 'permute-and-flip', epsilon: e.epsilon }, steps };
    case 'PoissonSampledDpEvent':
      return { mechanism: { kind: 'laplace', scale: e.event.noise_multiplier }, poissonRate: e.sampling_probability, steps };
    case 'TruncatedSubsampledGaussianDpEvent':
      return {
        mechanism: { kind: 'gaussian', noiseMultiplier: e.noise_multiplier },
        poissonRate: e.sampling_probability,
        truncation: { datasetSize: e.dataset_size, maxBatchSize: e.truncated_batch_size },
        steps,
      };
    case 'SampledWithoutReplacementDpEvent':
      // dp_accounting's Gaussian has sensitivity 1 under replace-one (the two values differ by 1); dpacct's
      // sensitivity is in add-remove units and replace-one doubles it, so the same mechanism is sensitivity 1/2
      return {
        mechanism: { kind: 'gaussian', noiseMultiplier: e.event.noise_multiplier, sensitivity: 0.5 },
        fixedSize: { batchSize: e.sample_size, datasetSize: e.source_dataset_size },
        steps,
      };
    case 'SingleEpochTreeAggregationDpEvent':
      return { mechanism: { kind: 'tree-aggregation', noiseMultiplier: e.noise_multiplier, stepCounts: e.step_counts }, steps };
    case 'ZCDpEvent':
      return { mechanism: { kind: 'zcdp', rho: e.rho, xi: e.xi }, steps };
    case 'RandomizedResponseDpEvent':
      return { mechanism: { kind: 'randomized-response', categories: e.num_buckets, noiseParameter: e.noise_parameter }, steps };
  }
  throw new Error(`no stage for ${e.type}`);
}

/** dp_accounting's replace_special (one unit replaced by a special, empty one) is dpacct's zero-out */
const adjacency = (r: Row): Adjacency =>
  r.neighboring_relation === 'replace_one' ? 'replace-one' : r.neighboring_relation === 'replace_special' ? 'zero-out' : 'add-remove';
const label = (r: Row) => `${r.kind} ${JSON.stringify(r.event).slice(0, 90)} x${r.count} delta=${r.delta}`;

/**
 * PLD rows, without the truncated-Poisson ones (test/truncatedPoisson.test.ts) and, to keep the suite fast, two
 * rows costing over 2 s each under jest (discrete Laplace a = 0.0873 x100, and the mixture [0, 1] x1000, which is
 * the Poisson-subsampled Gaussian that test/pld.test.ts covers); both pass (run with EVENTS_ALL=1).
 */
const SLOW = new Set(['discrete_laplace 0.0873 100', 'mixture_of_gaussians 1 1000']);
const slow = (r: Row) => SLOW.has(`${r.kind} ${r.event.noise_parameter ?? r.event.standard_deviation} ${r.count}`);
const pldRows = rows.filter(
  (r) =>
    r.kind !== 'truncated_subsampled_gaussian' &&
    (r.pld_pessimistic_eps ?? r.pld_direct?.pessimistic_eps) != null &&
    (process.env.EVENTS_ALL === '1' || !slow(r)),
);
const rdpRows = rows.filter((r) => r.rdp_eps != null);

describe('PLD accountant against dp_accounting (events.json)', () => {
  test.each(pldRows.map((r) => [label(r), r]))('%s', (_, r: Row) => {
    const pessimistic = r.pld_pessimistic_eps ?? r.pld_direct.pessimistic_eps;
    const optimistic = r.pld_optimistic_eps ?? r.pld_direct.optimistic_eps;
    const f = pldEpsilon([stageOf(r)], r.delta, { adjacency: adjacency(r), discretization: r.interval ?? 1e-4 });
    expect(f.upper).toBeGreaterThanOrEqual(optimistic);
    expect(f.upper).toBeLessThanOrEqual(pessimistic * 1.001);
    const exact = r.exact_eps ?? r.exact_eps_pure_dp_model;
    if (exact !== undefined) {
      expect(f.upper).toBeGreaterThanOrEqual(exact * (1 - 1e-12));
      expect(f.lower).toBeLessThanOrEqual(exact);
    }
    expect(f.lower).toBeLessThanOrEqual(f.upper);
  });

  test('randomized response is composed count times, where dp_accounting 0.6.0 composes it once', () => {
    // PLDAccountant.compose(RandomizedResponseDpEvent, count) ignores count and returns the 1-step figure
    // (dp_accounting_returned); the correct figure is the count-fold composition (exact_eps, by convolution)
    for (const r of rows.filter((x) => x.kind === 'randomized_response' && x.dp_accounting_bug)) {
      // the default precision: its upper bounds are within 1e-5 of exact_eps here (a finer target only buys a
      // tighter lower bound, which this test does not read, for seconds of double-double compositions)
      const f = pldEpsilon([stageOf(r)], r.delta, { adjacency: adjacency(r) });
      expect(f.upper).toBeGreaterThan(5 * r.dp_accounting_returned.pld_pessimistic_eps);
      expect(Math.abs(f.upper - r.exact_eps) / r.exact_eps).toBeLessThan(1e-4);
    }
  });
});

describe('RDP accountant against dp_accounting (events.json)', () => {
  test.each(rdpRows.map((r) => [label(r), r]))('%s', (_, r: Row) => {
    const f = rdpEpsilon([stageOf(r)], r.delta, { adjacency: adjacency(r) });
    expect(Math.abs(f.epsilon - r.rdp_eps) / r.rdp_eps).toBeLessThan(1e-6);
  });

  test('the exponential mechanism is composed count times, where dp_accounting 0.6.0 adds one step', () => {
    // RdpAccountant.compose(ExponentialMechanismDpEvent, count) adds the 1-step curve without `count *`
    // (dp_accounting_returned); rdp_eps is the count-fold composition, which dpacct reproduces above
    const bugs = rows.filter((x) => x.kind === 'exponential_mechanism' && x.dp_accounting_bug);
    expect(bugs.length).toBeGreaterThan(0);
    for (const r of bugs) {
      const f = rdpEpsilon([stageOf(r)], r.delta);
      expect(f.epsilon).toBeGreaterThan(10 * r.dp_accounting_returned.rdp_eps);
      expect(Math.abs(f.epsilon - r.rdp_eps) / r.rdp_eps).toBeLessThan(1e-6);
    }
  });
});
