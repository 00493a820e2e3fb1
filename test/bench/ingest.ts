/**
 * Ingest throughput on the bundled real articles, one process, this machine: articles/s, figures/s and
 * how the time splits between XML parsing, image decoding/normalising, S3 writes and Postgres.
 * Each round uses a fresh bucket and an emptied database so every object is really written.
 *
 *   npx tsx test/bench/ingest.ts [--rounds 3] [--concurrency 1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PmcCloudSource } from '../../packages/pipeline/src/sources/index.ts';
import { loadConfig } from '../../apps/worker/src/config.ts';
import { createDb } from '../../packages/store/src/db/client.ts';
import { formatIngestSummary, ingestDirect } from '../../apps/worker/src/ingest-runner.ts';
import { INVENTORY_MANIFEST_KEY, loadSampleArticles, publishPmcLayout } from '../../apps/worker/src/sample/sample-articles.ts';
import { startLocalS3Server } from '../../apps/worker/src/storage/local-s3-server.ts';
import { S3BlobReader } from '../../packages/store/src/storage/s3-blob-reader.ts';
import { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';
import { createS3Client } from '../../packages/store/src/storage/s3-client.ts';
import { freshDatabase } from '../support/databases.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '1' } } });
const rounds = Number(values.rounds);
const databaseUrl = await freshDatabase('pmc_curator_bench');

const s3Dir = mkdtempSync(path.join(os.tmpdir(), 'bench-s3-'));
const s3 = await startLocalS3Server({ directory: s3Dir, port: 4577 });
const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl, S3_ENDPOINT: s3.endpoint });
const client = createS3Client({ endpoint: s3.endpoint, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true });
const db = createDb(databaseUrl);
const sourceStore = new S3ObjectStore(client, 'pmc-oa-opendata');
await sourceStore.ensureBucket();
await publishPmcLayout(sourceStore, await loadSampleArticles());

try {
  for (let round = 1; round <= rounds; round += 1) {
    await db.$executeRawUnsafe('TRUNCATE "Pair","Subcaption","Subfigure","Figure","RunArticle","Failure","Article","Run" CASCADE');
    const store = new S3ObjectStore(client, `bench-round-${round}`);
    await store.ensureBucket();
    const source = new PmcCloudSource({
      reader: new S3BlobReader({ client, bucket: 'pmc-oa-opendata' }),
      bucket: 'pmc-oa-opendata',
      enumeration: { mode: 'inventory', manifestKey: INVENTORY_MANIFEST_KEY('pmc-oa-opendata') },
    });
    const summary = await ingestDirect(
      { config, db, store, workerName: 'bench', close: async () => {} },
      { source, ingest: { licenseGroups: ['comm'] }, concurrency: Number(values.concurrency) },
    );
    process.stdout.write(`round ${round}\n${formatIngestSummary(summary)}\n\n`);
  }
} finally {
  await db.$disconnect();
  await s3.stop();
  rmSync(s3Dir, { recursive: true, force: true });
}
