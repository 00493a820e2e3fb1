-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('running', 'finished');

-- CreateEnum
CREATE TYPE "ArticleOutcome" AS ENUM ('curated', 'partial', 'failed', 'excluded');

-- DropIndex
DROP INDEX "Figure_articleId_jatsId_key";

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "listedAt" TIMESTAMP(3),
ADD COLUMN     "status" "RunStatus" NOT NULL DEFAULT 'running';

-- AlterTable
ALTER TABLE "Article" ADD COLUMN     "finishedAt" TIMESTAMP(3),
ADD COLUMN     "outcome" "ArticleOutcome";

-- AlterTable
ALTER TABLE "Failure" ADD COLUMN     "requeuedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Figure" ADD COLUMN     "graphicHref" TEXT,
ADD COLUMN     "graphicIndex" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Article_outcome_idx" ON "Article"("outcome");

-- CreateIndex
CREATE UNIQUE INDEX "Figure_articleId_jatsId_graphicIndex_key" ON "Figure"("articleId", "jatsId", "graphicIndex");

