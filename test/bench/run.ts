/**
 * `npm run bench`: every benchmark script in test/bench, one after another, each in its own process.
 * Extra arguments go to the queue benchmark (e.g. `npm run bench -- --skip soak`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const dir = import.meta.dirname;
// The detector runs twice: on the OCR-heavy default mix, and on the sample articles' figures as the
// detect stage sees them (typical PMC figures, caption labels as hints).
const runs: Array<[string, ...string[]]> = [
  ['ingest.ts'],
  ['detect.ts'],
  ['detect.ts', '460', '--set', 'sample', '--caption-labels'],
  ['captions.ts'],
  ['export.ts'],
  ['queues.ts', ...process.argv.slice(2)],
];
let failed = 0;
for (const [script, ...args] of runs.filter(([name]) => existsSync(path.join(dir, name)))) {
  process.stdout.write(`\n===== ${[script, ...args].join(' ')} =====\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, script), ...args], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    process.stderr.write(`${script} exited with ${result.status ?? result.signal}\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
