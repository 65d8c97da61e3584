/**
 * `npm run bench`: times a fixed set of configurations in process and prints a table. Each case runs once
 * cold (first call, with JIT warm-up) and then twice more; the best warm time is reported beside it.
 */
type Case = { name: string; run: () => unknown };

const suites = ['./pld.js', './samplers.js', './ballsAndBins.js', './scaling.js', './randomAllocation.js', './events.js', './report.js'];

async function loadCases(): Promise<Case[]> {
  const all: Case[] = [];
  for (const s of suites) {
    try {
      const m = (await import(s)) as { cases: Case[] };
      all.push(...m.cases);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    }
  }
  return all;
}

async function time(c: Case): Promise<{ seconds: number; result: unknown }> {
  const t = performance.now();
  const result = await c.run();
  return { seconds: (performance.now() - t) / 1000, result };
}

async function main(): Promise<void> {
  const filter = process.argv[2];
  const cases = (await loadCases()).filter((c) => !filter || c.name.includes(filter));
  const rows: string[][] = [['case', 'cold s', 'warm s', 'result']];
  for (const c of cases) {
    const cold = await time(c);
    let warm = Infinity;
    for (let i = 0; i < 2; i++) warm = Math.min(warm, (await time(c)).seconds);
    const result = typeof cold.result === 'string' ? cold.result : (JSON.stringify(cold.result)?.slice(0, 80) ?? '');
    rows.push([c.name, cold.seconds.toFixed(3), warm.toFixed(3), result]);
    process.stderr.write(`  ${c.name}: ${warm.toFixed(3)} s\n`);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((v, i) => (i === 1 || i === 2 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  '));
}

await main();
