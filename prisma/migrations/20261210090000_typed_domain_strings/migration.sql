-- Domain strings typed: Failure.stage and Pair.method become enums holding the very strings already stored
-- (whole-caption and unmatched-panel are the aligner names, the client calls them whole_caption, unmatched_panel).
-- Existing rows convert in place. A row holding any other string makes the cast fail, so the migration stops
-- instead of losing it. StageStatus loses running, which nothing writes: any row still holding it goes back to
-- pending (its work is redone), then the type is rebuilt without the value.
-- No semicolons or quotes in these comments: the migration engine splits statements on them.

-- CreateEnum
CREATE TYPE "FailureStage" AS ENUM ('ingest', 'detect', 'align');

-- CreateEnum
CREATE TYPE "PairMethod" AS ENUM ('label', 'position', 'order', 'whole-caption', 'unmatched-panel');

-- AlterTable: keeps the rows and the indexes on stage
ALTER TABLE "Failure" ALTER COLUMN "stage" TYPE "FailureStage" USING ("stage"::"FailureStage");

-- AlterTable
ALTER TABLE "Pair" ALTER COLUMN "method" TYPE "PairMethod" USING ("method"::"PairMethod");

-- AlterEnum: StageStatus without running
UPDATE "Article" SET "ingestStatus" = 'pending' WHERE "ingestStatus" = 'running';
UPDATE "Article" SET "detectStatus" = 'pending' WHERE "detectStatus" = 'running';
UPDATE "Article" SET "alignStatus" = 'pending' WHERE "alignStatus" = 'running';
UPDATE "Figure" SET "ingestStatus" = 'pending' WHERE "ingestStatus" = 'running';
UPDATE "Figure" SET "detectStatus" = 'pending' WHERE "detectStatus" = 'running';
UPDATE "Figure" SET "alignStatus" = 'pending' WHERE "alignStatus" = 'running';
CREATE TYPE "StageStatus_new" AS ENUM ('pending', 'done', 'failed', 'skipped');
ALTER TABLE "Article" ALTER COLUMN "ingestStatus" DROP DEFAULT;
ALTER TABLE "Article" ALTER COLUMN "detectStatus" DROP DEFAULT;
ALTER TABLE "Article" ALTER COLUMN "alignStatus" DROP DEFAULT;
ALTER TABLE "Figure" ALTER COLUMN "ingestStatus" DROP DEFAULT;
ALTER TABLE "Figure" ALTER COLUMN "detectStatus" DROP DEFAULT;
ALTER TABLE "Figure" ALTER COLUMN "alignStatus" DROP DEFAULT;
ALTER TABLE "Article" ALTER COLUMN "ingestStatus" TYPE "StageStatus_new" USING ("ingestStatus"::text::"StageStatus_new");
ALTER TABLE "Article" ALTER COLUMN "detectStatus" TYPE "StageStatus_new" USING ("detectStatus"::text::"StageStatus_new");
ALTER TABLE "Article" ALTER COLUMN "alignStatus" TYPE "StageStatus_new" USING ("alignStatus"::text::"StageStatus_new");
ALTER TABLE "Figure" ALTER COLUMN "ingestStatus" TYPE "StageStatus_new" USING ("ingestStatus"::text::"StageStatus_new");
ALTER TABLE "Figure" ALTER COLUMN "detectStatus" TYPE "StageStatus_new" USING ("detectStatus"::text::"StageStatus_new");
ALTER TABLE "Figure" ALTER COLUMN "alignStatus" TYPE "StageStatus_new" USING ("alignStatus"::text::"StageStatus_new");
ALTER TYPE "StageStatus" RENAME TO "StageStatus_old";
ALTER TYPE "StageStatus_new" RENAME TO "StageStatus";
DROP TYPE "StageStatus_old";
ALTER TABLE "Article" ALTER COLUMN "ingestStatus" SET DEFAULT 'pending';
ALTER TABLE "Article" ALTER COLUMN "detectStatus" SET DEFAULT 'pending';
ALTER TABLE "Article" ALTER COLUMN "alignStatus" SET DEFAULT 'pending';
ALTER TABLE "Figure" ALTER COLUMN "ingestStatus" SET DEFAULT 'pending';
ALTER TABLE "Figure" ALTER COLUMN "detectStatus" SET DEFAULT 'pending';
ALTER TABLE "Figure" ALTER COLUMN "alignStatus" SET DEFAULT 'pending';
