import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../apps/worker/src/config.ts';
import type { Db } from '../../packages/store/src/db/client.ts';
import { INVENTORY_MANIFEST_KEY, loadSampleArticles, publishPmcLayout } from '../../apps/worker/src/sample/sample-articles.ts';
import { listAll, resetDatabase, testConfig, testDb, testStore } from '../support/servers.ts';

const run = promisify(execFile);
const CURATOR = new URL('../../apps/worker/bin/curator.js', import.meta.url).pathname;

let config: Config;
let db: Db;
let sourceBucket: string;

function curator(args: string[]) {
  return run(process.execPath, [CURATOR, ...args], {
    env: { ...process.env, DATABASE_URL: config.DATABASE_URL, S3_ENDPOINT: config.S3_ENDPOINT, S3_BUCKET: config.S3_BUCKET },
    maxBuffer: 16 * 1024 * 1024,
  });
}

beforeAll(async () => {
  config = testConfig();
  db = testDb(config);
  await resetDatabase(db);
  const source = await testStore(config, `pmc-cli-${config.S3_BUCKET.slice(-8)}`);
  sourceBucket = source.bucket;
  await publishPmcLayout(source, await loadSampleArticles());
});

afterAll(async () => {
  await db.$disconnect();
});

describe('curator ingest (the command as users run it)', () => {
  it('ingests from the PMC layout with --limit and prints a JSON summary; a second run changes nothing', async () => {
    const args = ['ingest', '--source', 'pmc-s3', '--bucket', sourceBucket, '--inventory', INVENTORY_MANIFEST_KEY(sourceBucket), '--limit', '3', '--json'];
    const first = JSON.parse((await curator(args)).stdout);
    expect(first).toMatchObject({ articles: 3, ingested: 3, failedArticles: 0 });
    expect(first.figures).toBeGreaterThan(0);
    expect(await db.article.count()).toBe(3);
    const objects = await listAll(await testStore(config));
    expect(objects.length).toBe(first.images * 2);
    const second = JSON.parse((await curator(args)).stdout);
    expect(second).toMatchObject({ articles: 3, unchanged: 3, objectsWritten: 0 });
    expect(await listAll(await testStore(config))).toEqual(objects);
  });

  it('prints the human summary with failures by class and exits non-zero with a hint on a bad flag', async () => {
    const { stdout } = await curator(['ingest', '--source', 'dir', '--location', new URL('../fixtures/articles', import.meta.url).pathname, '--limit', '1']);
    expect(stdout).toMatch(/articles 1: ingested 1/);
    expect(stdout).toMatch(/failures by class: none/);
    const failure = await curator(['ingest', '--source', 'ftp']).then(() => null, (error: { code: number; stderr: string }) => error);
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toMatch(/pmc-s3, legacy, dir|Allowed choices/i);
  });

  it('prints a figure list for `curator jats`', async () => {
    const { stdout } = await curator(['jats', new URL('../fixtures/articles/pone.0000010/pone.0000010.xml', import.meta.url).pathname]);
    const parsed = JSON.parse(stdout);
    expect(parsed.doi).toBe('10.1371/journal.pone.0000010');
    expect(parsed.figures).toHaveLength(3);
    expect(Object.keys(parsed.figures[0]).sort()).toEqual(['caption', 'graphics', 'id', 'label']);
  });
});
