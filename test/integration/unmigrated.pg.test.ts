import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../packages/store/src/db/client.ts';
import { committedMigrations, migrateDatabase, pendingMigrations } from '../../packages/store/src/db/migrations.ts';
import { CURATOR } from '../fault/support/processes.ts';

const ADMIN_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const EMPTY = `pmc_curator_empty_${process.pid}`;
const MISSING = `pmc_curator_missing_${process.pid}`;
const urlOf = (name: string) => ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query(sql);
  await client.end();
}

beforeAll(async () => {
  await admin(`DROP DATABASE IF EXISTS "${EMPTY}" WITH (FORCE)`);
  await admin(`DROP DATABASE IF EXISTS "${MISSING}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${EMPTY}"`);
});

afterAll(async () => {
  await admin(`DROP DATABASE IF EXISTS "${EMPTY}" WITH (FORCE)`);
  await admin(`DROP DATABASE IF EXISTS "${MISSING}" WITH (FORCE)`);
});

function curator(args: string[], databaseUrl: string) {
  return spawnSync(process.execPath, [CURATOR, ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, QUEUE_PREFIX: '{unmigrated}' },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('commands that need the database, before it is migrated', () => {
  const commands = [
    ['status'],
    ['enqueue', '--source', 'dir', '--location', 'test/fixtures/articles'],
    ['worker', '--stages', 'align'],
    ['dashboard', '--port', '0'],
    ['reprocess', '--failed'],
    ['ingest', '--source', 'dir', '--location', 'test/fixtures/articles', '--limit', '1'],
  ];

  it.each(commands)('curator %s says to run npm run db:migrate, without a stack trace', (...args: string[]) => {
    const result = curator(args, urlOf(EMPTY));
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/is not migrated \(\d+ pending: .*\); run: npm run db:migrate/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('says the database does not exist, and what creates it', () => {
    const result = curator(['status'], urlOf(MISSING));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/does not exist; create and migrate it: npm run db:migrate/);
  });

  it('migrates a database that does not exist yet (what curator run --sample does first), then finds nothing pending', async () => {
    const lines: string[] = [];
    await migrateDatabase(urlOf(MISSING), (line) => lines.push(line));
    expect(lines.join('\n')).toMatch(/created database/);
    const db = createDb(urlOf(MISSING));
    try {
      expect(await pendingMigrations(db)).toEqual([]);
      expect(committedMigrations().length).toBeGreaterThanOrEqual(2);
    } finally {
      await db.$disconnect();
    }
    await migrateDatabase(urlOf(MISSING), (line) => lines.push(line));
    expect(lines.at(-1)).toMatch(/is up to date/);
    expect(curator(['status'], urlOf(MISSING)).status).toBe(0);
  });
});
