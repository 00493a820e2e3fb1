import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ObjectStore } from '@pmc-curator/store/storage';
import { inventoryObjects, pmcLayoutObjects, type LocalArticle } from './pmc-layout.ts';

/** The bundled real articles (test/fixtures/articles), used by the demo, the tests and the benchmarks. */
export const SAMPLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/articles');

const sampleSchema = z.object({
  articles: z.array(z.object({ folder: z.string(), pmcid: z.string().regex(/^PMC\d+$/), version: z.number().int().positive() })),
});

export async function loadSampleArticles(dir = SAMPLE_DIR): Promise<LocalArticle[]> {
  const parsed = sampleSchema.parse(JSON.parse(await readFile(path.join(dir, 'sample.json'), 'utf8')));
  return parsed.articles.map((article) => ({ folder: path.join(dir, article.folder), pmcid: article.pmcid, version: article.version }));
}

export const INVENTORY_MANIFEST_KEY = (bucket: string) => `inventory-reports/${bucket}/metadata/2026-11-28T00-00Z/manifest.json`;

/**
 * Uploads articles to a bucket in the PMC Cloud layout, with a daily inventory. Returns the article names (in the
 * order given). `concurrency` articles are uploaded at a time (each article's objects one after another).
 */
export async function publishPmcLayout(store: ObjectStore, articles: LocalArticle[], options: { concurrency?: number } = {}): Promise<string[]> {
  const names = articles.map((article) => `${article.pmcid}.${article.version}`);
  let next = 0;
  const upload = async () => {
    while (next < articles.length) {
      const article = articles[next++]!;
      for (const object of await pmcLayoutObjects(article, store.bucket)) await store.putIfAbsent(object.key, object.body, object.contentType);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, articles.length)) }, upload));
  for (const object of inventoryObjects(store.bucket, names)) await store.putIfAbsent(object.key, object.body, object.contentType);
  return names;
}
