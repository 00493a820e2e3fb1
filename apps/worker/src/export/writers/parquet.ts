import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { drained, type ShardOutput } from '../sink.ts';
import type { ResolvedSample } from '../sample.ts';
import { flatRecord, type ShardWriter } from './types.ts';

/**
 * Parquet shard written with hyparquet-writer's incremental ParquetWriter: rows are buffered into row groups of
 * at most ROW_GROUP_ROWS rows or ROW_GROUP_BYTES image bytes, each group is encoded and streamed to the output,
 * and the footer is written at the end. Only one row group is in memory at a time.
 */
type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];
type ColumnSource = Parameters<ParquetWriter['write']>[0]['columnData'][number];

export const ROW_GROUP_ROWS = 512;
const ROW_GROUP_BYTES = 64 * 1024 * 1024;

type Kind = 'string' | 'bytes' | 'int' | 'double' | 'box';

/** The columns, in order: name, kind, required. `image` is bytes, or a string key with --no-image-bytes. */
function parquetColumns(imageBytes: boolean): Array<[string, Kind, boolean]> {
  return [
    ['key', 'string', true],
    ['image', imageBytes ? 'bytes' : 'string', true],
    ['image_format', 'string', true],
    ['caption', 'string', true],
    ['figure_caption', 'string', true],
    ['pmcid', 'string', false],
    ['version', 'int', false],
    ['article_key', 'string', true],
    ['doi', 'string', false],
    ['license', 'string', false],
    ['license_group', 'string', true],
    ['figure_id', 'string', true],
    ['graphic_index', 'int', true],
    ['graphic', 'string', false],
    ['figure_label', 'string', false],
    ['label', 'string', false],
    ['box', 'box', false],
    ['subcaption', 'string', false],
    ['method', 'string', true],
    ['confidence', 'double', false],
    ['sha256', 'string', false],
    ['image_key', 'string', true],
    ['ingest_version', 'int', false],
    ['detect_version', 'int', false],
    ['align_version', 'int', false],
    ['model_version', 'string', false],
  ];
}

function parquetSchema(imageBytes: boolean): SchemaElement[] {
  const columns = parquetColumns(imageBytes);
  const schema: SchemaElement[] = [{ name: 'root', num_children: columns.length }];
  for (const [name, kind, required] of columns) {
    const repetition_type = required ? 'REQUIRED' : 'OPTIONAL';
    if (kind === 'box') {
      // The standard three-level LIST: box (LIST) → list (repeated) → element (INT32).
      schema.push({ name, repetition_type, converted_type: 'LIST', num_children: 1 });
      schema.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
      schema.push({ name: 'element', type: 'INT32', repetition_type: 'REQUIRED' });
    } else if (kind === 'string') schema.push({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type });
    else if (kind === 'bytes') schema.push({ name, type: 'BYTE_ARRAY', repetition_type });
    else if (kind === 'int') schema.push({ name, type: 'INT32', repetition_type });
    else schema.push({ name, type: 'DOUBLE', repetition_type });
  }
  return schema;
}

function parquetRow(sample: ResolvedSample): Record<string, unknown> {
  const record: Record<string, unknown> = flatRecord(sample, sample.imageUrl);
  record.image = sample.bytes ?? sample.imageUrl;
  record.image_format = sample.spec.ext;
  return record;
}

/** A hyparquet Writer whose bytes are drained to the shard output after every row group. */
function streamingWriter(out: ShardOutput): ByteWriter {
  const writer = new ByteWriter(1024 * 1024);
  const drain = async () => {
    if (writer.index === 0) return;
    const chunk = Buffer.from(writer.getBytes());
    writer.index = 0;
    if (!out.stream.write(chunk)) await drained(out.stream);
  };
  Object.assign(writer, { flush: drain, finish: drain });
  return writer;
}

export function createParquetWriter(out: ShardOutput, options: { imageBytes: boolean }): ShardWriter {
  const columns = parquetColumns(options.imageBytes);
  const writer = new ParquetWriter({ writer: streamingWriter(out), schema: parquetSchema(options.imageBytes), codec: 'SNAPPY', createdBy: 'pmc-curator export' });
  let rows: Array<Record<string, unknown>> = [];
  let bytes = 0;
  async function flushGroup(): Promise<void> {
    if (rows.length === 0) return;
    const columnData: ColumnSource[] = columns.map(([name, kind]) => ({
      name,
      data: rows.map((row) => row[name] ?? null),
      // Image bytes are already compressed; statistics on them are useless.
      ...(name === 'image' ? { codec: 'UNCOMPRESSED' as const, statistics: false } : {}),
      ...(kind === 'box' ? { statistics: false } : {}),
    }));
    const group = rows.length;
    rows = [];
    bytes = 0;
    await writer.write({ columnData, rowGroupSize: group });
  }
  return {
    async add(sample) {
      rows.push(parquetRow(sample));
      bytes += sample.bytes?.byteLength ?? 0;
      if (rows.length >= ROW_GROUP_ROWS || bytes >= ROW_GROUP_BYTES) await flushGroup();
    },
    async end() {
      await flushGroup();
      await writer.finish();
    },
  };
}
