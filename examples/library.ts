import { accountPlan, accountantFor, calibrate, planFromSpec, validateSpec, type AccountingResult, type Figure, type Spec } from 'dpacct';

// a spec, as in a JSON file (parseSpec reads the text), typed by the zod schema
const spec: Spec = {
  delta: 1e-5,
  stages: [
    {
      mechanism: { kind: 'gaussian', noiseMultiplier: 1.1 },
      sampler: { kind: 'poisson', batchSize: 256, datasetSize: 60000 },
      epochs: 10,
    },
  ],
};
const plan = planFromSpec(validateSpec(spec));

// the registry picks the accountant (pld by default) and loads it on first use
const result: AccountingResult = await accountPlan(plan);
console.log(`epsilon <= ${result.upper} (${result.kind}, ${result.accountant.name})`);

// every accountant returns the same Figure: value, kind ('upper' | 'lower' | 'exact' | 'estimate'), bounds, details
const accountant = await accountantFor(plan);
const figure: Figure = await accountant.account(plan, { quantity: 'delta', epsilon: 2 });
console.log(`delta(2) <= ${figure.value} (${figure.kind})`);

// the smallest noise multiplier whose certified epsilon at delta 1e-5 is at most 3
const noise = await calibrate({
  parameter: 'sigma',
  build: (sigma) => planFromSpec(validateSpec({ ...spec, stages: [{ ...spec.stages[0], mechanism: { kind: 'gaussian', noiseMultiplier: sigma } }] })),
  target: { epsilon: 3, delta: 1e-5 },
  min: 0.05,
  max: 1e4,
  start: 1,
  integer: false,
});
console.log(`sigma >= ${noise.value} (${noise.guarantee})`);
