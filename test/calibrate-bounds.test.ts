/**
 * Issue 9: calibration reports progress per evaluation and its search is bounded: past the cap on evaluations
 * (or wall time) it refuses (AccountingError, exit 3) and says what was reached, instead of running silently.
 */
import { calibratePlan } from '../src/spec/calibration.js';
import { trainingPlan } from '../src/cli/training.js';
import { AccountingError } from '../src/errors.js';

const problem = {
  parameter: 'steps' as const,
  build: (steps: number) => trainingPlan({ sigma: 1.1, samplingRate: 0.01, steps, accountant: 'rdp' }, { delta: 1e-5 }),
  target: { epsilon: 3, delta: 1e-5 },
  min: 1,
  max: 1e9,
  start: 100,
  integer: true,
};

test('progress after each evaluation, within the cap', async () => {
  const seen: number[] = [];
  const r = await calibratePlan({ ...problem, onProgress: (done) => seen.push(done) });
  expect(r.evaluations).toBeGreaterThan(0);
  expect(seen.slice(0, r.evaluations)).toEqual(Array.from({ length: r.evaluations }, (_, i) => i + 1));
});

test('a search past its evaluation cap is refused with what it reached', async () => {
  const failure = await calibratePlan({ ...problem, maxEvaluations: 3 }).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(AccountingError);
  expect((failure as Error).message).toMatch(
    /^calibration stopped after 3 evaluations in \d+ s without converging \(bounds: 3 evaluations, 120 s\): (steps = \d+ meets it \(epsilon <= [\d.]+\)|no steps tried met it)$/,
  );
});
