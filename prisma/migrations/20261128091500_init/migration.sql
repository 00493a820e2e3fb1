
-- CreateEnum
CREATE TYPE "StageStatus" AS ENUM ('pending', 'running', 'done', 'failed', 'skipped');

-- CreateEnum
CREATE TYPE "ErrorKind" AS ENUM ('permanent', 'transient');

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "filters" JSONB NOT NULL,
    "articles" INTEGER NOT NULL DEFAULT 0,
    "enqueued" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunArticle" (
    "runId" TEXT NOT NULL,
    "articleId" TEXT NOT NULL,

    CONSTRAINT "RunArticle_pkey" PRIMARY KEY ("runId","articleId")
);

-- CreateTable
CREATE TABLE "Article" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "pmcid" TEXT,
    "version" INTEGER,
    "pmid" TEXT,
    "doi" TEXT,
    "title" TEXT,
    "licenseCode" TEXT,
    "licenseGroup" TEXT NOT NULL DEFAULT 'other',
    "retracted" BOOLEAN NOT NULL DEFAULT false,
    "sourceKind" TEXT NOT NULL,
    "sourceRef" TEXT NOT NULL,
    "ingestStatus" "StageStatus" NOT NULL DEFAULT 'pending',
    "ingestVersion" INTEGER,
    "detectStatus" "StageStatus" NOT NULL DEFAULT 'pending',
    "detectVersion" INTEGER,
    "alignStatus" "StageStatus" NOT NULL DEFAULT 'pending',
    "alignVersion" INTEGER,
    "skipReason" TEXT,
    "figureCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Article_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Figure" (
    "id" TEXT NOT NULL,
    "articleId" TEXT NOT NULL,
    "jatsId" TEXT NOT NULL,
    "parentJatsId" TEXT,
    "ordinal" INTEGER NOT NULL,
    "label" TEXT,
    "caption" TEXT NOT NULL,
    "boldSpans" TEXT[],
    "graphicHrefs" TEXT[],
    "mediaName" TEXT,
    "imageKey" TEXT,
    "normalizedKey" TEXT,
    "sha256" TEXT,
    "width" INTEGER,
    "height" INTEGER,
    "format" TEXT,
    "byteSize" INTEGER,
    "ingestStatus" "StageStatus" NOT NULL DEFAULT 'pending',
    "detectStatus" "StageStatus" NOT NULL DEFAULT 'pending',
    "detectVersion" INTEGER,
    "detectMethod" TEXT,
    "alignStatus" "StageStatus" NOT NULL DEFAULT 'pending',
    "alignVersion" INTEGER,
    "sharedCaption" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Figure_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Subfigure" (
    "id" TEXT NOT NULL,
    "figureId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "x1" INTEGER NOT NULL,
    "y1" INTEGER NOT NULL,
    "x2" INTEGER NOT NULL,
    "y2" INTEGER NOT NULL,
    "labelText" TEXT,
    "labelBox" JSONB,
    "score" DOUBLE PRECISION NOT NULL,
    "method" TEXT NOT NULL,
    "modelVersion" TEXT NOT NULL,
    "detectVersion" INTEGER NOT NULL,
    "cropKey" TEXT,
    "cropSha256" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Subfigure_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Subcaption" (
    "id" TEXT NOT NULL,
    "figureId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "alignVersion" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Subcaption_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Pair" (
    "id" TEXT NOT NULL,
    "figureId" TEXT NOT NULL,
    "subfigureId" TEXT NOT NULL,
    "subcaptionId" TEXT,
    "label" TEXT,
    "text" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "alignVersion" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Pair_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Failure" (
    "id" TEXT NOT NULL,
    "articleKey" TEXT NOT NULL,
    "runId" TEXT,
    "stage" TEXT NOT NULL,
    "subject" TEXT NOT NULL DEFAULT '',
    "figureJatsId" TEXT,
    "errorClass" TEXT NOT NULL,
    "kind" "ErrorKind" NOT NULL,
    "message" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "worker" TEXT,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved" BOOLEAN NOT NULL DEFAULT false,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "Failure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RunArticle_articleId_idx" ON "RunArticle"("articleId");

-- CreateIndex
CREATE UNIQUE INDEX "Article_key_key" ON "Article"("key");

-- CreateIndex
CREATE INDEX "Article_pmcid_version_idx" ON "Article"("pmcid", "version");

-- CreateIndex
CREATE INDEX "Article_ingestStatus_idx" ON "Article"("ingestStatus");

-- CreateIndex
CREATE INDEX "Article_detectStatus_idx" ON "Article"("detectStatus");

-- CreateIndex
CREATE INDEX "Article_alignStatus_idx" ON "Article"("alignStatus");

-- CreateIndex
CREATE INDEX "Figure_sha256_idx" ON "Figure"("sha256");

-- CreateIndex
CREATE INDEX "Figure_detectStatus_idx" ON "Figure"("detectStatus");

-- CreateIndex
CREATE INDEX "Figure_alignStatus_idx" ON "Figure"("alignStatus");

-- CreateIndex
CREATE UNIQUE INDEX "Figure_articleId_jatsId_key" ON "Figure"("articleId", "jatsId");

-- CreateIndex
CREATE UNIQUE INDEX "Subfigure_figureId_index_key" ON "Subfigure"("figureId", "index");

-- CreateIndex
CREATE UNIQUE INDEX "Subcaption_figureId_label_key" ON "Subcaption"("figureId", "label");

-- CreateIndex
CREATE UNIQUE INDEX "Pair_subfigureId_key" ON "Pair"("subfigureId");

-- CreateIndex
CREATE INDEX "Pair_figureId_idx" ON "Pair"("figureId");

-- CreateIndex
CREATE INDEX "Failure_errorClass_idx" ON "Failure"("errorClass");

-- CreateIndex
CREATE INDEX "Failure_stage_resolved_idx" ON "Failure"("stage", "resolved");

-- CreateIndex
CREATE INDEX "Failure_runId_idx" ON "Failure"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "Failure_articleKey_stage_subject_key" ON "Failure"("articleKey", "stage", "subject");

-- AddForeignKey
ALTER TABLE "RunArticle" ADD CONSTRAINT "RunArticle_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunArticle" ADD CONSTRAINT "RunArticle_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "Article"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Figure" ADD CONSTRAINT "Figure_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "Article"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Subfigure" ADD CONSTRAINT "Subfigure_figureId_fkey" FOREIGN KEY ("figureId") REFERENCES "Figure"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Subcaption" ADD CONSTRAINT "Subcaption_figureId_fkey" FOREIGN KEY ("figureId") REFERENCES "Figure"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Pair" ADD CONSTRAINT "Pair_figureId_fkey" FOREIGN KEY ("figureId") REFERENCES "Figure"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Pair" ADD CONSTRAINT "Pair_subfigureId_fkey" FOREIGN KEY ("subfigureId") REFERENCES "Subfigure"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Pair" ADD CONSTRAINT "Pair_subcaptionId_fkey" FOREIGN KEY ("subcaptionId") REFERENCES "Subcaption"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Failure" ADD CONSTRAINT "Failure_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

