import type { ArticleOutcome } from '@prisma/client';
import type { Db } from './client.ts';

/** Links an article to a run (idempotent); ingest calls it whatever the outcome, so failed articles count too. */
export async function linkRunArticle(db: Db, runId: string, articleKey: string): Promise<void> {
  const article = await db.article.findUnique({ where: { key: articleKey }, select: { id: true } });
  if (!article) return;
  await db.runArticle.createMany({ data: [{ runId, articleId: article.id }], skipDuplicates: true });
}

export interface RunMemberInput {
  key: string;
  sourceKind: string;
  location: string;
  pmcid: string | null;
  version: number | null;
}

export interface RunMemberRow {
  id: string;
  key: string;
  ingestStatus: string;
  ingestVersion: number | null;
  alignStatus: string;
  outcome: ArticleOutcome | null;
  licenseGroup: string;
  retracted: boolean;
  detectVersion: number | null;
  alignVersion: number | null;
}

/**
 * Links a chunk of articles to a run in two set-based statements (fast enqueue): placeholder Article rows for
 * keys not seen before (ingest fills them in), then RunArticle links, returning each article's stage columns.
 * Two statements, not one: the second must see rows a concurrent enqueue inserted while the first waited.
 */
export async function linkRunMembers(db: Db, runId: string, members: RunMemberInput[]): Promise<RunMemberRow[]> {
  if (members.length === 0) return [];
  const keys = members.map((m) => m.key);
  await db.$executeRaw`
    INSERT INTO "Article" ("id", "key", "sourceKind", "sourceRef", "pmcid", "version", "updatedAt")
    SELECT gen_random_uuid()::text, t.key, t.kind, t.ref, t.pmcid, t.version, now()
    FROM unnest(${keys}::text[], ${members.map((m) => m.sourceKind)}::text[], ${members.map((m) => m.location)}::text[],
                ${members.map((m) => m.pmcid)}::text[], ${members.map((m) => m.version)}::int[]) AS t(key, kind, ref, pmcid, version)
    ON CONFLICT ("key") DO NOTHING`;
  return db.$queryRaw<RunMemberRow[]>`
    WITH rows AS (
      SELECT "id", "key", "ingestStatus"::text AS "ingestStatus", "ingestVersion", "alignStatus"::text AS "alignStatus",
             "outcome"::text AS "outcome", "licenseGroup", "retracted", "detectVersion", "alignVersion"
      FROM "Article" WHERE "key" = ANY(${keys}::text[])
    ), linked AS (
      INSERT INTO "RunArticle" ("runId", "articleId") SELECT ${runId}, "id" FROM rows ON CONFLICT DO NOTHING
    )
    SELECT * FROM rows`;
}
