import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

// Prisma's CLI would download its schema engine; the JS engine with the pg driver adapter needs nothing
// from the network. Migrations introspect catalog columns of type "char" (OID 18) and name (OID 19),
// which the adapter cannot map, so this client reports them as text (OID 25).
const CATALOG_TEXT_OIDS = new Set([18, 19]);
const TEXT_OID = 25;

function reportCatalogTypesAsText(result: unknown): void {
  const fields = (result as { fields?: Array<{ dataTypeID: number }> } | undefined)?.fields ?? [];
  for (const field of fields) if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
}

class CatalogAsTextClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's overloads cannot be forwarded typed
  override query(...args: any[]): any {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (error: unknown, result: unknown) => {
        reportCatalogTypesAsText(result);
        last(error, result);
      };
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const pending = (super.query as (...a: unknown[]) => unknown)(...args);
    if (pending instanceof Promise) return pending.then((result) => (reportCatalogTypesAsText(result), result));
    return pending;
  }
}

process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/pmc_curator';

export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  engine: 'js',
  experimental: { adapter: true },
  async adapter() {
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, Client: CatalogAsTextClient });
    return new PrismaPg(pool, { disposeExternalPool: true });
  },
});
