import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownTable, readReports } from './hostile-table.ts';

describe('hostile-input table', () => {
  it('reads every report file in name order and prints one escaped markdown table', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hostile-report-'));
    try {
      writeFileSync(path.join(dir, 'b.json'), JSON.stringify([{ area: 'ingest', input: 'a | b\nc', outcome: '<script> refused' }]));
      writeFileSync(path.join(dir, 'a.json'), JSON.stringify([{ area: 'dashboard', input: 'GET /x', outcome: '400' }]));
      writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
      const rows = readReports(dir);
      expect(rows.map((row) => row.area)).toEqual(['dashboard', 'ingest']);
      expect(markdownTable(rows)).toBe(
        '| area | input/fault | outcome |\n| --- | --- | --- |\n| dashboard | GET /x | 400 |\n| ingest | a \\| b c | &lt;script&gt; refused |\n',
      );
      writeFileSync(path.join(dir, 'c.json'), JSON.stringify({ area: 'x' }));
      expect(() => readReports(dir)).toThrow(/c\.json/);
      expect(readReports(path.join(dir, 'missing'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
