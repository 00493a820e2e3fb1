import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ArticleBundle } from '../sources/index.ts';
import { ingestArticle } from './ingest-article.ts';

const XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"';

function article(captions: string[]): string {
  const figs = captions.map((caption, i) => `<fig id="f${i + 1}"><caption><p>${caption}</p></caption><graphic xlink:href="g${i + 1}"/></fig>`).join('');
  return `<article ${XLINK}><front><article-meta><permissions><license xlink:href="https://creativecommons.org/licenses/by/4.0/"/></permissions></article-meta></front><body>${figs}</body></article>`;
}

async function bundle(xml: string, count: number): Promise<ArticleBundle> {
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } }).jpeg().toBuffer();
  const names = Array.from({ length: count }, (_, i) => `g${i + 1}.jpg`);
  return {
    ref: { key: 'dir:caption', sourceKind: 'dir', location: '/tmp/caption' },
    metadata: null,
    xml: new TextEncoder().encode(xml),
    media: { names, read: async () => jpeg },
  };
}

describe('caption length limit', () => {
  it('refuses a figure whose caption is over the limit (CaptionTooLong, permanent, against the figure) and keeps the others', async () => {
    const long = 'A very long legend. '.repeat(2_000);
    const result = await ingestArticle(await bundle(article(['(A) fine caption.', long]), 2), { licenseGroups: ['comm', 'noncomm', 'other'], maxCaptionChars: 20_000 });
    if (result.status !== 'ingested') throw new Error(result.reason);
    expect(result.figures.map((row) => row.figure.id)).toEqual(['f1']);
    expect(result.failures.map((f) => ({ errorClass: f.errorClass, kind: f.kind, subject: f.subject, figureId: f.figureId }))).toEqual([
      { errorClass: 'CaptionTooLong', kind: 'permanent', subject: 'f2', figureId: 'f2' },
    ]);
  });

  it('applies the default limit of 20,000 characters', async () => {
    const result = await ingestArticle(await bundle(article(['x'.repeat(20_001)]), 1), { licenseGroups: ['comm', 'noncomm', 'other'] });
    if (result.status !== 'ingested') throw new Error(result.reason);
    expect(result.figures).toEqual([]);
    expect(result.failures[0]?.errorClass).toBe('CaptionTooLong');
  });
});
