import { canonicalCommand, type ExportIdentity } from './options.ts';
import type { RunRow } from './select.ts';
import { sortedEntries, sortedValues, type ExportStats } from './stats.ts';

/** The dataset card (`README.md` in the output). Pure: the same export always renders the same bytes. */
export interface CardInput {
  identity: ExportIdentity;
  run: RunRow;
  stats: ExportStats;
  shards: number;
}

const LAYOUTS: Record<ExportIdentity['format'], string> = {
  webdataset:
    'WebDataset tar shards (`shard-NNNNNN.tar`). Each sample is `<key>.jpg|png` (the crop), `<key>.txt` (the subcaption) and `<key>.json` (provenance).',
  jsonl:
    'JSON Lines shards (`shard-NNNNNN.jsonl`), PMC-OA style: `image` is the path of the crop under `images/` (or its `s3://` key without image bytes) and `caption` the subcaption; the other fields give provenance.',
  parquet:
    'Parquet shards (`shard-NNNNNN.parquet`): `image` holds the crop bytes (or its `s3://` key without image bytes), `caption` the subcaption, the other columns provenance.',
};

function table(header: [string, string, ...string[]], rows: string[][]): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

export function renderCard({ identity, run, stats, shards }: CardInput): string {
  const { filters } = identity;
  const date = (run.finishedAt ?? run.createdAt).toISOString();
  const list = (values: Array<string | number>) => (values.length ? values.join(', ') : '—');
  return [
    `# PMC subfigure–subcaption pairs (run ${run.id})`,
    '',
    'Subfigures (panels) of figures from the PubMed Central Open Access subset, each paired with the part of its',
    'caption that describes it, curated by pmc-curator (ingest → detect → align).',
    '',
    `- **Format:** ${LAYOUTS[identity.format]}`,
    `- **Image bytes:** ${identity.imageBytes ? 'included' : 'not included (images are referenced by their `s3://` key)'}`,
    `- **Source run:** \`${run.id}\` (source \`${run.source}\`, ${run.status}), created ${run.createdAt.toISOString()}`,
    `- **Date:** ${date} (the run's ${run.finishedAt ? 'finish' : 'start'}; an export of the same run and options is byte-identical whenever it is made)`,
    `- **Command:** \`${canonicalCommand(identity)}\``,
    '',
    '## Counts',
    '',
    table(
      ['samples', 'articles', 'figures', 'shards', 'duplicates dropped', 'missing images'],
      [[stats.samples, stats.articles, stats.figures, shards, stats.duplicates, stats.missing].map(String)],
    ),
    '',
    'Duplicates are identical images (same sha256) in several places; the first in key order is kept and each',
    'dropped sample is listed with the one kept in `dedup.jsonl`. Samples whose image is missing from the store',
    'or does not match its recorded sha256 are listed in `missing.jsonl`.',
    '',
    '## Licences',
    '',
    table(['licence', 'samples', 'articles'], sortedEntries(stats.licenses).map(([license, count]) => [license, String(count.samples), String(count.articles)])),
    '',
    '## Methods',
    '',
    table(['method', 'samples'], sortedEntries(stats.methods).map(([method, count]) => [method, String(count)])),
    '',
    '## Filters',
    '',
    `- minimum pair confidence: ${filters.minConfidence ?? 'none'}`,
    `- licence group: ${filters.license}`,
    `- methods: ${filters.methods ? filters.methods.join(', ') : 'all'}`,
    `- whole figures: ${filters.wholeFigures ? 'yes (figures with no pairs or a single panel, with their full caption, method `whole-figure`)' : 'no'}`,
    `- shards: at most ${identity.shardSize} samples or about ${identity.shardBytes} bytes`,
    '- articles: those of the run whose outcome is curated or partial; figures: ingested, detected and aligned',
    '',
    '## Versions',
    '',
    `- ingest: ${list(sortedValues(stats.versions.ingest))}`,
    `- detect: ${list(sortedValues(stats.versions.detect))}`,
    `- align: ${list(sortedValues(stats.versions.align))}`,
    `- detector models: ${list(sortedValues(stats.versions.model))}`,
    '',
    '## Licence of the content',
    '',
    'Each sample keeps the licence of its article (`license`); redistribution must follow it. `comm` licences allow',
    'commercial use (CC0, CC BY, CC BY-SA, CC BY-ND); `noncomm` ones do not.',
    '',
  ].join('\n');
}
