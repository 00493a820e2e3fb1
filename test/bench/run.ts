/**
 * `npm run bench`: every benchmark script in test/bench, one after another, each in its own process.
 * Extra arguments go to the queue benchmark (e.g. `npm run bench -- --skip soak`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const dir = import.meta.dirname;
const scripts = ['ingest.ts', 'detect.ts', 'captions.ts', 'queues.ts'].filter((name) => existsSync(path.join(dir, name)));
let failed = 0;
for (const script of scripts) {
  process.stdout.write(`\n===== ${script} =====\n`);
  const args = script === 'queues.ts' ? process.argv.slice(2) : [];
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, script), ...args], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    process.stderr.write(`${script} exited with ${result.status ?? result.signal}\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
