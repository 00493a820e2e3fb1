import { emptyStageCounts } from '../data/counts.ts';
import type { ArticleDetail, DashboardData, FailureFilter, FailureRow, PairListItem, RunSummary } from '../data/types.ts';
import type { DashboardDeps } from '../handlers/types.ts';
import { DashboardMetrics } from '../metrics.ts';

/** Hostile text that every view must show as text. */
const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)>&'`;

const at = new Date('2026-11-01T10:00:00Z');

function failure(overrides: Partial<FailureRow> = {}): FailureRow {
  return {
    id: 'f1',
    articleKey: 'PMC1.1',
    runId: 'run-1',
    stage: 'ingest',
    subject: 'fig1.jpg',
    figureJatsId: 'fig1',
    errorClass: 'CorruptImage',
    kind: 'permanent',
    message: HOSTILE,
    attempt: 3,
    worker: 'host:42',
    firstSeenAt: at,
    lastSeenAt: at,
    resolved: false,
    resolvedAt: null,
    ...overrides,
  };
}

function run(): RunSummary {
  const stages = emptyStageCounts();
  stages.ingest.done = 3;
  stages.ingest.failed = 1;
  stages.detect.pending = 4;
  stages.align.pending = 4;
  return {
    id: 'run-1',
    source: 'dir',
    filters: { license: ['comm'] },
    createdAt: at,
    startedAt: at,
    finishedAt: null,
    listed: 4,
    enqueued: 4,
    skipped: 0,
    articles: 4,
    stages,
    status: 'running',
    outcomes: { curated: 3, partial: 0, failed: 1, excluded: 0, unfinished: 0 },
    openFailures: 1,
  };
}

function article(): ArticleDetail {
  return {
    article: {
      id: 'a1',
      key: 'dir:x<y>',
      pmcid: null,
      version: null,
      pmid: null,
      doi: '10.1/abc',
      title: `Title ${HOSTILE}`,
      licenseCode: 'CC BY',
      licenseGroup: 'comm',
      retracted: false,
      sourceKind: 'dir',
      sourceRef: '/tmp/x',
      ingestStatus: 'done',
      ingestVersion: 1,
      detectStatus: 'done',
      detectVersion: 1,
      alignStatus: 'done',
      alignVersion: 1,
      skipReason: null,
      figureCount: 1,
      createdAt: at,
      updatedAt: at,
    },
    runIds: ['run-1'],
    failures: [failure({ articleKey: 'dir:x<y>' })],
    figures: [
      {
        id: 'g1',
        jatsId: 'fig1',
        graphicIndex: 0,
        graphicHref: 'fig1.jpg',
        ordinal: 0,
        label: 'Figure 1',
        caption: `Caption ${HOSTILE}`,
        imageKey: 'originals/abc.tif',
        normalizedKey: 'normalized/abc.jpg',
        width: 200,
        height: 100,
        format: 'tiff',
        byteSize: 4096,
        ingestStatus: 'done',
        detectStatus: 'done',
        detectMethod: 'layout',
        alignStatus: 'done',
        subfigures: [
          { id: 's0', index: 0, x1: 0, y1: 0, x2: 100, y2: 100, labelText: 'A', score: 0.9, method: 'layout', modelVersion: 'v1', cropKey: 'crops/s0.jpg' },
          { id: 's1', index: 1, x1: 100, y1: 0, x2: 200, y2: 50, labelText: 'B', score: 0.8, method: 'layout', modelVersion: 'v1', cropKey: null },
        ],
        subcaptions: [{ index: 0, label: 'A', text: `panel a ${HOSTILE}`, confidence: 0.95 }],
        pairs: [{ id: 'p0', subfigureIndex: 0, cropKey: 'crops/s0.jpg', label: 'A', text: `panel a ${HOSTILE}`, method: 'label', confidence: 0.95 }],
      },
    ],
  };
}

function pair(): PairListItem {
  return {
    id: 'p0',
    articleKey: 'dir:x<y>',
    articleTitle: 'T',
    figureLabel: 'Figure 1',
    figureJatsId: 'fig1',
    cropKey: 'crops/s0.jpg',
    box: { x1: 0, y1: 0, x2: 100, y2: 100 },
    label: 'A',
    text: `panel a ${HOSTILE}`,
    method: 'label',
    confidence: 0.95,
    createdAt: at,
  };
}

/** A data layer over fixed rows that records the filters it was asked for. */
export function fakeData(): DashboardData & { failureFilters: FailureFilter[] } {
  const failureFilters: FailureFilter[] = [];
  const counts = { articles: emptyStageCounts(), figures: emptyStageCounts() };
  counts.articles.ingest.done = 3;
  counts.articles.ingest.failed = 1;
  counts.figures.ingest.done = 9;
  return {
    failureFilters,
    stageCounts: async () => counts,
    runs: async () => [run()],
    run: async (id) => (id === 'run-1' ? { run: run(), failureClasses: [{ stage: 'ingest', errorClass: 'CorruptImage', kind: 'permanent', count: 1 }] } : null),
    failureClasses: async () => [{ stage: 'ingest', errorClass: 'CorruptImage', kind: 'permanent', count: 1 }],
    failures: async (filter) => {
      failureFilters.push(filter);
      return {
        items: [failure()],
        total: 1,
        page: filter.page,
        pageSize: filter.pageSize,
        classes: [{ stage: 'ingest', errorClass: 'CorruptImage', kind: 'permanent', count: 1 }],
      };
    },
    article: async (key) => (key === 'dir:x<y>' ? article() : null),
    pairs: async (filter) => ({ items: [pair()], total: 1, page: filter.page, pageSize: filter.pageSize }),
    pairMethods: async () => ['label', 'order'],
    failureCounts: async () => [{ stage: 'ingest', errorClass: 'CorruptImage', resolved: false, count: 1 }],
    ping: async () => {},
  };
}

export function fakeDeps(overrides: Partial<DashboardDeps> = {}): DashboardDeps & { data: ReturnType<typeof fakeData> } {
  const objects = new Map<string, Uint8Array>([['crops/s0.jpg', new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3])]]);
  return {
    data: fakeData(),
    objects: {
      get: async (key) => {
        const bytes = objects.get(key);
        if (!bytes) throw Object.assign(new Error(`object ${key} is missing`), { errorClass: 'ObjectVanished' });
        return bytes;
      },
    },
    queues: [{ name: 'ingest', getJobCounts: async () => ({ waiting: 2, active: 1, completed: 5, failed: 0 }) }],
    pingRedis: async () => {},
    metrics: new DashboardMetrics(),
    ...overrides,
  } as DashboardDeps & { data: ReturnType<typeof fakeData> };
}
