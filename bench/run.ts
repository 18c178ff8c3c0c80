/**
 * Runs every `bench/*.bench.ts` module (compiled to dist/bench/*.bench.js) in name order and
 * writes their figures to bench/report.json. `npm run bench` builds first, then runs this.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { BenchEntry, BenchRun } from './entry';

const REPORT = path.join(__dirname, '..', '..', 'bench', 'report.json');

async function main(): Promise<void> {
  const only = process.argv[2];
  const modules = readdirSync(__dirname)
    .filter((file) => file.endsWith('.bench.js'))
    .filter((file) => !only || file.startsWith(only))
    .sort();
  const entries: BenchEntry[] = [];
  for (const file of modules) {
    const started = Date.now();
    const { run } = (await import(path.join(__dirname, file))) as { run: BenchRun };
    const results = await run();
    entries.push(...results);
    for (const entry of results) process.stdout.write(`${JSON.stringify(entry)}\n`);
    process.stdout.write(`${file}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  writeFileSync(REPORT, `${JSON.stringify(entries, null, 2)}\n`);
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  process.stdout.write(
    `wrote ${entries.length} entries to ${REPORT} ` +
      `(${os.cpus().length} x ${cpu}, node ${process.version})\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
