import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pLimit from 'p-limit';
import type { Db } from '../../packages/store/src/db/client.ts';
import type { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';

/**
 * Curated rows for export tests and the export benchmark, written directly with Prisma (as the stages would have
 * left them: outcome curated, every status done) with real crop objects in the bucket. Crops are real JPEGs from
 * test/fixtures; copies are made distinct by a trailing tag after the JPEG end marker (decoders ignore it).
 */

const BASE_IMAGES = [
  'test/fixtures/articles/elife-30274/fig1.jpg',
  'test/fixtures/articles/elife-43154/fig1.jpg',
  'test/fixtures/articles/elife-46472/fig7.jpg',
  'test/fixtures/figures/reviewed-pmc/pgen.1000096_g001.jpg',
].map((file) => readFileSync(new URL(`../../${file}`, import.meta.url)));

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function imageVariant(tag: string): Buffer {
  const base = BASE_IMAGES[Number.parseInt(sha256(Buffer.from(tag)).slice(0, 8), 16) % BASE_IMAGES.length]!;
  return Buffer.concat([base, Buffer.from(`\n${tag}`)]);
}

export const METHODS = ['label', 'position', 'order'] as const;

export interface SeedOptions {
  articles: number;
  figuresPerArticle: number;
  panelsPerFigure: number;
  /** Every n-th pair of article 1+ reuses the crop of the same pair in article 0 (an identical image). */
  duplicateEvery?: number;
  /** Crops uploaded at once. */
  concurrency?: number;
  runId?: string;
}

export interface SeededRun {
  runId: string;
  /** Keys of crop objects (for tests that delete or corrupt some). */
  cropKeys: string[];
}

const LICENSES = [
  { code: 'CC BY 4.0', group: 'comm' },
  { code: 'CC BY-NC 4.0', group: 'noncomm' },
  { code: 'CC0 1.0', group: 'comm' },
] as const;

export async function seedExportRun(db: Db, store: S3ObjectStore, options: SeedOptions): Promise<SeededRun> {
  const runId = options.runId ?? `export-${randomUUID().slice(0, 8)}`;
  await db.run.create({
    data: { id: runId, source: 'seed', filters: {}, status: 'finished', createdAt: new Date('2026-01-02T03:04:05Z'), finishedAt: new Date('2026-01-02T05:06:07Z') },
  });
  const uploads: Array<[string, Buffer]> = [];
  const cropKeys: string[] = [];
  for (let a = 0; a < options.articles; a += 1) {
    const license = LICENSES[a % LICENSES.length]!;
    const pmcid = `PMC${900000 + a}`;
    const article = await db.article.create({
      data: {
        key: `${pmcid}.1`,
        pmcid,
        version: 1,
        doi: `10.1234/seed.${a}`,
        title: `Seeded article ${a}`,
        licenseCode: license.code,
        licenseGroup: license.group,
        sourceKind: 'seed',
        sourceRef: runId,
        ingestStatus: 'done',
        ingestVersion: 3,
        detectStatus: 'done',
        detectVersion: 2,
        alignStatus: 'done',
        alignVersion: 2,
        outcome: 'curated',
        figureCount: options.figuresPerArticle,
      },
    });
    await db.runArticle.create({ data: { runId, articleId: article.id } });
    for (let f = 0; f < options.figuresPerArticle; f += 1) {
      const figureBytes = imageVariant(`${pmcid}-fig${f}`);
      const figureSha = sha256(figureBytes);
      const normalizedKey = `normalized/${figureSha.slice(0, 2)}/${figureSha}.jpg`;
      uploads.push([normalizedKey, figureBytes]);
      const figure = await db.figure.create({
        data: {
          articleId: article.id,
          jatsId: `F${f + 1}`,
          graphicIndex: 0,
          // Every other figure predates graphicHref: export falls back to graphicHrefs[0].
          graphicHref: f % 2 === 0 ? `${pmcid}-g${f + 1}.jpg` : null,
          graphicHrefs: [`${pmcid}-g${f + 1}.jpg`],
          ordinal: f,
          label: `Figure ${f + 1}`,
          caption: `Figure ${f + 1}. ${Array.from({ length: options.panelsPerFigure }, (_, p) => `(${String.fromCharCode(65 + p)}) panel ${p} of ${pmcid}`).join(' ')}`,
          imageKey: `originals/${figureSha.slice(0, 2)}/${figureSha}.jpg`,
          normalizedKey,
          sha256: figureSha,
          width: 800,
          height: 600,
          format: 'jpeg',
          byteSize: figureBytes.byteLength,
          ingestStatus: 'done',
          detectStatus: 'done',
          detectVersion: 2,
          detectMethod: 'layout-ocr',
          alignStatus: 'done',
          alignVersion: 2,
        },
      });
      const subfigures = [];
      const pairs = [];
      for (let p = 0; p < options.panelsPerFigure; p += 1) {
        const duplicate = options.duplicateEvery && a > 0 && (f * options.panelsPerFigure + p) % options.duplicateEvery === 0;
        const cropBytes = imageVariant(duplicate ? `PMC900000-fig${f}-p${p}` : `${pmcid}-fig${f}-p${p}`);
        const cropSha = sha256(cropBytes);
        const cropKey = `crops/${cropSha.slice(0, 2)}/${cropSha}.jpg`;
        if (!duplicate) {
          uploads.push([cropKey, cropBytes]);
          cropKeys.push(cropKey);
        }
        const id = randomUUID();
        subfigures.push({
          id,
          figureId: figure.id,
          index: p,
          x1: p * 100,
          y1: 10,
          x2: p * 100 + 90,
          y2: 200,
          labelText: String.fromCharCode(65 + p),
          score: 0.9,
          method: 'layout-ocr',
          modelVersion: 'layout-ocr@seed',
          detectVersion: 2,
          cropKey,
          cropSha256: cropSha,
        });
        pairs.push({
          figureId: figure.id,
          subfigureId: id,
          label: String.fromCharCode(65 + p),
          text: `panel ${p} of ${pmcid} figure ${f + 1}`,
          method: METHODS[(a + f + p) % METHODS.length]!,
          confidence: Number((((a * 7 + f * 3 + p * 5) % 10) / 10 + 0.05).toFixed(2)),
          alignVersion: 2,
        });
      }
      await db.subfigure.createMany({ data: subfigures });
      await db.pair.createMany({ data: pairs });
    }
  }
  const limit = pLimit(options.concurrency ?? 16);
  await Promise.all(uploads.map(([key, bytes]) => limit(() => store.putIfAbsent(key, bytes, 'image/jpeg'))));
  return { runId, cropKeys };
}

/** Adds rows export must leave out: a failed article, an article outside the run, an undetected figure. */
export async function seedNoise(db: Db, runId: string): Promise<void> {
  const failed = await db.article.create({
    data: { key: 'PMC800001.1', pmcid: 'PMC800001', version: 1, licenseCode: 'CC BY 4.0', licenseGroup: 'comm', sourceKind: 'seed', sourceRef: runId, ingestStatus: 'failed', outcome: 'failed' },
  });
  await db.runArticle.create({ data: { runId, articleId: failed.id } });
  const outside = await db.article.create({
    data: { key: 'PMC800002.1', pmcid: 'PMC800002', version: 1, licenseCode: 'CC BY 4.0', licenseGroup: 'comm', sourceKind: 'seed', sourceRef: 'other', ingestStatus: 'done', outcome: 'curated' },
  });
  for (const articleId of [failed.id, outside.id]) {
    const figure = await db.figure.create({
      data: { articleId, jatsId: 'F1', ordinal: 0, caption: 'not exported', ingestStatus: 'done', detectStatus: 'done', alignStatus: 'done', normalizedKey: 'normalized/none.jpg' },
    });
    const sub = await db.subfigure.create({
      data: { figureId: figure.id, index: 0, x1: 0, y1: 0, x2: 1, y2: 1, score: 1, method: 'm', modelVersion: 'v', detectVersion: 2, cropKey: 'crops/none.jpg', cropSha256: 'none' },
    });
    await db.pair.create({ data: { figureId: figure.id, subfigureId: sub.id, text: 'not exported', method: 'label', confidence: 1, alignVersion: 2 } });
  }
}
