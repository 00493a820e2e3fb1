export {
  FigureFailure,
  graphicSubject,
  ingestArticle,
  INGEST_VERSION,
  type ArticleFacts,
  type IngestedFigure,
  type IngestOptions,
  type IngestResult,
  type IngestTimings,
  type LicenseGroup,
} from './ingest-article.ts';
