import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerJats } from './jats.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../../test/fixtures/jats/${name}`, import.meta.url));

async function run(...args: string[]): Promise<unknown> {
  const program = new Command().exitOverride();
  registerJats(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'curator', 'jats', ...args]);
  } finally {
    spy.mockRestore();
  }
  return JSON.parse(out);
}

describe('curator jats', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('prints the article with exactly id, label, caption, graphics per figure', async () => {
    const out = (await run(fixture('elife02304.xml'))) as Record<string, unknown> & { figures: Record<string, unknown>[] };
    expect(Object.keys(out)).toEqual(['pmcid', 'pmid', 'doi', 'title', 'license', 'figures']);
    expect(out.doi).toBe('10.7554/eLife.02304');
    expect(out.license).toEqual({
      code: 'CC BY',
      url: 'http://creativecommons.org/licenses/by/4.0/',
      text: expect.stringContaining('Creative Commons Attribution License') as unknown,
    });
    expect(out.figures).toHaveLength(24);
    expect(Object.keys(out.figures[0]!)).toEqual(['id', 'label', 'caption', 'graphics']);
    expect(out.figures[0]).toMatchObject({ id: 'fig1', label: 'Figure 1', graphics: ['elife02304f001'] });
  });

  it('takes the licence code from a PMC metadata JSON beside the XML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jats-cli-'));
    dirs.push(dir);
    copyFileSync(fixture('pone.0046493.nxml'), join(dir, 'PMC3460867.1.xml'));
    writeFileSync(join(dir, 'PMC3460867.1.json'), JSON.stringify({ pmcid: 'PMC3460867', license_code: 'CC BY-NC' }));
    const out = (await run(join(dir, 'PMC3460867.1.xml'))) as { pmcid: string; license: { code: string } };
    expect(out.pmcid).toBe('PMC3460867');
    expect(out.license.code).toBe('CC BY-NC');
  });

  it('reports malformed XML with its class and what to do next', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jats-cli-'));
    dirs.push(dir);
    const file = join(dir, 'cut.xml');
    writeFileSync(file, '<article><front><article-meta>');
    await expect(run(file)).rejects.toThrow(/^MalformedXml: .*re-fetch it if it was truncated/);
  });
});
