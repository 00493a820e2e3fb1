import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Outcomes of hostile inputs and faults, written by the tests that try them, one JSON file per area under
 * `.tmp/hostile-report/` (git-ignored): `[{ "area": "dashboard", "input": "...", "outcome": "..." }]`.
 * `test/report/hostile-table.ts` turns every file there into the README's table.
 */
export interface HostileOutcome {
  area: string;
  input: string;
  outcome: string;
}

export const HOSTILE_REPORT_DIR = path.resolve(import.meta.dirname, '../../.tmp/hostile-report');

/** Collects outcomes during a test file; `write()` (in afterAll) replaces the file with what was seen. */
export class HostileReport {
  private readonly outcomes: HostileOutcome[] = [];

  constructor(
    private readonly file: string,
    private readonly area: string,
  ) {}

  add(input: string, outcome: string): void {
    this.outcomes.push({ area: this.area, input, outcome });
  }

  get size(): number {
    return this.outcomes.length;
  }

  write(): string {
    mkdirSync(HOSTILE_REPORT_DIR, { recursive: true });
    const target = path.join(HOSTILE_REPORT_DIR, this.file);
    writeFileSync(target, `${JSON.stringify(this.outcomes, null, 2)}\n`);
    return target;
  }
}
