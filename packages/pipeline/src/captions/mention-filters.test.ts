import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseJats } from '../jats/index.ts';
import { splitCaption } from './split.ts';

// Real eLife captions (CC BY) from the JATS fixtures.
const jats = (file: string, id: string): { caption: string; bold: string[] } => {
  const path = fileURLToPath(new URL(`../../../../test/fixtures/jats/${file}`, import.meta.url));
  const fig = parseJats(readFileSync(path)).figures.find((f) => f.id === id);
  if (!fig) throw new Error(`${file} has no ${id}`);
  return { caption: fig.caption, bold: fig.boldSpans };
};

describe('label candidates decided by their neighbours', () => {
  it('an abbreviation legend "D: dorsal; V: ventral; A: anterior; P: posterior" adds no panel and cuts no text', () => {
    const { caption, bold } = jats('elife00133.xml', 'fig1');
    const split = splitCaption(caption, { boldLabels: bold });
    expect(split.labels).not.toContain('P');
    expect(split.labels).not.toContain('V');
    const a = split.subcaptions.find((s) => s.label === 'A')?.specific ?? '';
    expect(a).toContain('D: dorsal; V: ventral; A: anterior; P: posterior.');
    expect(split.subcaptions.find((s) => s.label === 'D')?.specific).not.toMatch(/dorsal/);
  });

  it('keeps "A: x; B: y" labels whose letters follow each other', () => {
    expect(splitCaption('Title. A: control cells; B: treated cells; C: rescue.').labels).toEqual(['A', 'B', 'C']);
  });

  it('drops bracketed letters with other words that skip ahead of the introduced panels: "(L, brown)", "(K, ochre)" after (A)-(I)', () => {
    const { caption, bold } = jats('elife05031.xml', 'fig1');
    const split = splitCaption(caption, { boldLabels: bold });
    expect(split.labels).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I']);
    expect(split.flags).not.toContain('gap-in-sequence');
  });

  it('drops a reference "(V)" beyond the last panel (T) that skips a letter, and keeps references continuing the sequence', () => {
    const { caption, bold } = jats('elife05502.xml', 'fig2');
    const labels = splitCaption(caption, { boldLabels: bold }).labels;
    expect(labels[labels.length - 1]).toBe('T');
    expect(splitCaption('(A) Overview. (B) Detail of the tumour margin, shown enlarged in (C).').labels).toEqual(['A', 'B', 'C']);
  });
});
