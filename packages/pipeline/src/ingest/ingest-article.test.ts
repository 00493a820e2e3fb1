import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { pmcMetadataSchema, type ArticleBundle, type PmcMetadata } from '../sources/index.ts';
import { FigureFailure, INGEST_VERSION, ingestArticle, type IngestResult } from './ingest-article.ts';

// A real article (Tropical Medicine and Health, CC BY; see test/fixtures/jats/LICENSES.md) whose figures 13 and 14
// each have two <graphic> elements (tmh-42-2-suppl_033-g013-1 + -2, g014-1 + -2); the other 14 figures have one.
const TMH_XML = readFileSync(new URL('../../../../test/fixtures/jats/PMC4204058.fulltext.xml', import.meta.url));
const XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"';

async function jpeg(seed: number): Promise<Uint8Array> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: { r: seed % 256, g: (seed * 7) % 256, b: 90 } } }).jpeg().toBuffer();
}

function bundle(xml: Uint8Array | string, media: Record<string, Uint8Array>, metadata: Partial<PmcMetadata> | null = null): ArticleBundle {
  return {
    ref: { key: 'dir:test', sourceKind: 'dir', location: '/tmp/test' },
    metadata: metadata ? pmcMetadataSchema.parse({ pmcid: 'PMC4204058', version: 1, ...metadata }) : null,
    xml: typeof xml === 'string' ? new TextEncoder().encode(xml) : xml,
    media: {
      names: Object.keys(media),
      read: async (name) => {
        const bytes = media[name];
        if (!bytes) throw new Error(`no ${name}`);
        return bytes;
      },
    },
  };
}

function ingested(result: IngestResult) {
  if (result.status !== 'ingested') throw new Error(`expected ingested, got ${result.status}: ${result.reason}`);
  return result;
}

const rowsOf = (result: ReturnType<typeof ingested>) =>
  result.figures.map((row) => ({ id: row.figure.id, ordinal: row.ordinal, graphicIndex: row.graphicIndex, href: row.graphicHref, media: row.mediaName, image: row.image !== null }));
const failuresOf = (result: ReturnType<typeof ingested>) => result.failures.map((failure) => [failure.errorClass, failure.subject]);

let images: Uint8Array[];
beforeAll(async () => {
  images = await Promise.all([1, 2, 3, 4].map(jpeg));
});

describe('every graphic of a fig is its own row', () => {
  it('keeps both panels of a real two-graphic figure and records the one graphic whose file is missing', async () => {
    const media = {
      'tmh-42-2-suppl_033-g013-1.jpg': images[0]!,
      'tmh-42-2-suppl_033-g013-2.jpg': images[1]!,
      'tmh-42-2-suppl_033-g014-1.jpg': images[2]!,
      'tmh-42-2-suppl_033-g015.jpg': images[3]!,
    };
    const result = ingested(await ingestArticle(bundle(TMH_XML, media)));
    const rows = rowsOf(result);
    expect(rows.filter((row) => ['F13', 'F14', 'F15'].includes(row.id))).toEqual([
      { id: 'F13', ordinal: 12, graphicIndex: 0, href: 'tmh-42-2-suppl_033-g013-1', media: 'tmh-42-2-suppl_033-g013-1.jpg', image: true },
      { id: 'F13', ordinal: 13, graphicIndex: 1, href: 'tmh-42-2-suppl_033-g013-2', media: 'tmh-42-2-suppl_033-g013-2.jpg', image: true },
      { id: 'F14', ordinal: 14, graphicIndex: 0, href: 'tmh-42-2-suppl_033-g014-1', media: 'tmh-42-2-suppl_033-g014-1.jpg', image: true },
      { id: 'F15', ordinal: 15, graphicIndex: 0, href: 'tmh-42-2-suppl_033-g015', media: 'tmh-42-2-suppl_033-g015.jpg', image: true },
    ]);
    // Ordinals number every row of the article once, in document order (job ids use them).
    expect(rows.map((row) => row.ordinal)).toEqual(rows.map((_, i) => i));
    expect(rows).toHaveLength(17);
    const f13 = result.figures.filter((row) => row.figure.id === 'F13');
    expect(f13[0]!.image!.sha256).not.toBe(f13[1]!.image!.sha256);
    // Figures without any file keep one imageless row; each missing graphic is a ledger entry.
    expect(rows[0]).toEqual({ id: 'F1', ordinal: 0, graphicIndex: 0, href: 'tmh-42-2-suppl_033-g001', media: null, image: false });
    const failures = failuresOf(result);
    expect(failures).toContainEqual(['MissingImage', 'F14/tmh-42-2-suppl_033-g014-2']);
    expect(failures).toContainEqual(['MissingImage', 'F1']);
    expect(failures.filter(([, subject]) => String(subject).startsWith('F13'))).toEqual([]);
    expect(failures).toHaveLength(12 + 1 + 1); // F1–F12, F14's second graphic, F16
    const f14 = result.failures.find((failure) => failure.subject === 'F14/tmh-42-2-suppl_033-g014-2')!;
    expect(f14).toBeInstanceOf(FigureFailure);
    expect(f14).toMatchObject({ figureId: 'F14', graphicIndex: 1, kind: 'permanent' });
    expect(f14.message).toContain('graphic 2 of 2');
  });

  it('records an unusable graphic and keeps the other one; a fig none of whose graphics works keeps one row', async () => {
    const xml = `<article ${XLINK}><body>
      <fig id="f1"><label>Figure 1</label><graphic xlink:href="gr1a"/><graphic xlink:href="gr1b"/></fig>
      <fig id="f2"><label>Figure 2</label><graphic xlink:href="gr2a"/><graphic xlink:href="gr2b"/></fig>
      <fig id="f3"><label>Figure 3</label><caption><p>No graphic at all.</p></caption></fig>
      <fig id="f4"><graphic xlink:href="gr4"/><graphic xlink:href="gr4.jpg"/></fig>
    </body></article>`;
    const media = { 'gr1a.jpg': new Uint8Array([1, 2, 3]), 'gr1b.jpg': images[0]!, 'gr2b.jpg': new Uint8Array(0), 'gr4.jpg': images[1]! };
    const result = ingested(await ingestArticle(bundle(xml, media), { licenseGroups: ['other'] }));
    expect(rowsOf(result)).toEqual([
      { id: 'f1', ordinal: 0, graphicIndex: 1, href: 'gr1b', media: 'gr1b.jpg', image: true },
      // f2: gr2a has no file, gr2b is empty; the fig stays as one row without an image, naming the file it had.
      { id: 'f2', ordinal: 1, graphicIndex: 1, href: 'gr2b', media: 'gr2b.jpg', image: false },
      { id: 'f3', ordinal: 2, graphicIndex: 0, href: null, media: null, image: false },
      // Two hrefs that name the same file are one image.
      { id: 'f4', ordinal: 3, graphicIndex: 0, href: 'gr4', media: 'gr4.jpg', image: true },
    ]);
    expect(failuresOf(result)).toEqual([
      ['UnsupportedFormat', 'f1/gr1a'],
      ['MissingImage', 'f2/gr2a'],
      ['EmptyImage', 'f2/gr2b'],
    ]);
  });

  it('bumped the ingest version for the new output', () => {
    expect(INGEST_VERSION).toBeGreaterThanOrEqual(2);
  });
});

describe('licence', () => {
  const media = { 'tmh-42-2-suppl_033-g001.jpg': new Uint8Array(0) };

  it.each<[string, Partial<PmcMetadata>]>([
    ['missing', {}],
    ['null', { license_code: null }],
    ['empty', { license_code: '' }],
    ['blank', { license_code: '  ' }],
  ])('uses the licence in the XML when the metadata JSON has none (%s license_code)', async (_name, metadata) => {
    const result = ingested(await ingestArticle(bundle(TMH_XML, media, metadata)));
    expect(result.article).toMatchObject({ licenseCode: 'CC BY', licenseGroup: 'comm', pmcid: 'PMC4204058' });
  });

  it('keeps the metadata licence when it names one, even over the XML', async () => {
    const result = await ingestArticle(bundle(TMH_XML, media, { license_code: 'CC BY-NC' }));
    expect(result).toMatchObject({ status: 'skipped', article: { licenseCode: 'CC BY-NC', licenseGroup: 'noncomm' } });
  });
});
