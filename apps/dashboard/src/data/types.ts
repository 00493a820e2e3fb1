import type { AlignMethod } from '@pmc-curator/store/db';
import type { FailuresQuery, PairsQuery, Stage, Status } from '../schemas.ts';

/** Plain shapes the views and the JSON API use; no Prisma types leak past `data/`. */
export type StatusCounts = Record<Status, number>;
export type StageStatusCounts = Record<Stage, StatusCounts>;

export interface StageCounts {
  articles: StageStatusCounts;
  figures: StageStatusCounts;
}

export interface RunSummary {
  id: string;
  source: string;
  filters: unknown;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Articles the run enumerated / enqueued / skipped, as the run recorded them. */
  listed: number;
  enqueued: number;
  skipped: number;
  /** Articles linked to the run (RunArticle rows), and their per-stage status counts. */
  articles: number;
  stages: StageStatusCounts;
  /** Where the run stands (one definition: packages/store/src/lifecycle.ts). */
  status: 'running' | 'finished';
  outcomes: { curated: number; partial: number; failed: number; excluded: number; unfinished: number };
  openFailures: number;
}

export interface FailureClassCount {
  stage: Stage;
  errorClass: string;
  kind: string;
  count: number;
}

export interface RunDetail {
  run: RunSummary;
  failureClasses: FailureClassCount[];
}

export interface FailureRow {
  id: string;
  articleKey: string;
  runId: string | null;
  stage: Stage;
  subject: string;
  figureJatsId: string | null;
  errorClass: string;
  kind: string;
  message: string;
  attempt: number;
  worker: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolved: boolean;
  resolvedAt: Date | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** A page of the ledger plus the class breakdown of everything the filter selects. */
export interface FailurePage extends Page<FailureRow> {
  classes: FailureClassCount[];
}

interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface SubfigureView extends Box {
  id: string;
  index: number;
  labelText: string | null;
  score: number;
  method: string;
  modelVersion: string;
  cropKey: string | null;
}

export interface PairView {
  id: string;
  subfigureIndex: number;
  cropKey: string | null;
  label: string | null;
  text: string;
  method: AlignMethod;
  confidence: number;
}

export interface FigureView {
  id: string;
  jatsId: string;
  /** Position of this graphic in its `<fig>` (a fig with several graphics has one row each). */
  graphicIndex: number;
  graphicHref: string | null;
  ordinal: number;
  label: string | null;
  caption: string;
  imageKey: string | null;
  normalizedKey: string | null;
  width: number | null;
  height: number | null;
  format: string | null;
  byteSize: number | null;
  ingestStatus: Status;
  detectStatus: Status;
  detectMethod: string | null;
  alignStatus: Status;
  subfigures: SubfigureView[];
  subcaptions: Array<{ index: number; label: string; text: string; confidence: number }>;
  pairs: PairView[];
}

export interface ArticleDetail {
  article: {
    id: string;
    key: string;
    pmcid: string | null;
    version: number | null;
    pmid: string | null;
    doi: string | null;
    title: string | null;
    licenseCode: string | null;
    licenseGroup: string;
    retracted: boolean;
    sourceKind: string;
    sourceRef: string;
    ingestStatus: Status;
    ingestVersion: number | null;
    detectStatus: Status;
    detectVersion: number | null;
    alignStatus: Status;
    alignVersion: number | null;
    skipReason: string | null;
    figureCount: number;
    createdAt: Date;
    updatedAt: Date;
  };
  runIds: string[];
  figures: FigureView[];
  failures: FailureRow[];
}

export interface PairListItem {
  id: string;
  articleKey: string;
  articleTitle: string | null;
  figureLabel: string | null;
  figureJatsId: string;
  cropKey: string | null;
  box: Box;
  label: string | null;
  text: string;
  method: AlignMethod;
  confidence: number;
  createdAt: Date;
}

export interface FailureFilter extends Omit<FailuresQuery, 'page' | 'pageSize'> {
  page: number;
  pageSize: number;
}

export type PairFilter = PairsQuery;

/** Everything the handlers read. `prismaData(db)` implements it; unit tests pass a fake. */
export interface DashboardData {
  stageCounts(): Promise<StageCounts>;
  runs(limit: number): Promise<RunSummary[]>;
  run(id: string): Promise<RunDetail | null>;
  failureClasses(filter: { runId?: string; limit?: number }): Promise<FailureClassCount[]>;
  failures(filter: FailureFilter): Promise<FailurePage>;
  article(key: string): Promise<ArticleDetail | null>;
  pairs(filter: PairFilter): Promise<Page<PairListItem>>;
  pairMethods(): Promise<AlignMethod[]>;
  /** Failure counts by (stage, class, resolved), for /metrics. */
  failureCounts(): Promise<Array<{ stage: Stage; errorClass: string; resolved: boolean; count: number }>>;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
}
