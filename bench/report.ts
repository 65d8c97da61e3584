/** `dpacct report` on the DP-SGD example at default settings (PLD grid 1e-4, 20 epoch points, 10 profile epsilons). */
import { readFileSync } from 'node:fs';
import { buildReport } from '../src/report/build.js';

const spec = 'examples/dpsgd-60k.json';

export const cases = [
  {
    name: 'report dpsgd-60k (defaults: 1e-4 grid, 20 epoch points, no Monte Carlo)',
    run: async () => {
      const r = await buildReport({ specText: readFileSync(spec, 'utf8'), source: spec });
      return { epsilon: Number(r.headline.value.toPrecision(5)), epochPoints: r.epochs.points.length, profile: r.profile.points.length };
    },
  },
];
