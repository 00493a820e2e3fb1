import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabaseIfMissing } from '../../packages/store/src/db/migrations.ts';

const ADMIN_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const NAME = `pmc_curator_create_${process.pid}`;

async function dropIt(): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${NAME}" WITH (FORCE)`);
  await admin.end();
}

afterAll(dropIt);

describe('npm run db:migrate on a fresh server (packages/store/src/db/migrations.ts)', () => {
  it('creates the database named in DATABASE_URL once, then finds it', async () => {
    await dropIt();
    const url = ADMIN_URL.replace(/\/[^/]*$/, `/${NAME}`);
    expect(await createDatabaseIfMissing(url)).toBe('created');
    expect(await createDatabaseIfMissing(url)).toBe('exists');
  });

  it('refuses a database name it would have to quote and says which', async () => {
    await expect(createDatabaseIfMissing(ADMIN_URL.replace(/\/[^/]*$/, '/bad%22name'))).rejects.toThrow(/unsupported database name "bad"name"/);
  });
});
