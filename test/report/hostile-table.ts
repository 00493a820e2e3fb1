/**
 * Prints every `.tmp/hostile-report/*.json` (written by the tests, see hostile-report.ts) as one markdown table:
 *   npx tsx test/report/hostile-table.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOSTILE_REPORT_DIR, type HostileOutcome } from './hostile-report.ts';

/** One table cell: pipes and newlines would break the row, `<…>` would be read as HTML. */
const cell = (value: string) =>
  value
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, ' ')
    .trim();

function isOutcome(value: unknown): value is HostileOutcome {
  const row = value as Partial<HostileOutcome> | null;
  return typeof row === 'object' && row !== null && typeof row.area === 'string' && typeof row.input === 'string' && typeof row.outcome === 'string';
}

/** The rows of every report file in `dir`, files in name order, rows in the order the tests wrote them. */
export function readReports(dir: string = HOSTILE_REPORT_DIR): HostileOutcome[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((name) => name.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return files.flatMap((name) => {
    const parsed: unknown = JSON.parse(readFileSync(path.join(dir, name), 'utf8'));
    if (!Array.isArray(parsed) || !parsed.every(isOutcome)) throw new Error(`${name}: expected [{ area, input, outcome }]`);
    return parsed;
  });
}

export function markdownTable(rows: readonly HostileOutcome[]): string {
  const lines = ['| area | input/fault | outcome |', '| --- | --- | --- |'];
  for (const row of rows) lines.push(`| ${cell(row.area)} | ${cell(row.input)} | ${cell(row.outcome)} |`);
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = readReports();
  if (rows.length === 0) {
    process.stderr.write(`no reports in ${HOSTILE_REPORT_DIR}; run the tests that write them first\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write(markdownTable(rows));
  }
}
