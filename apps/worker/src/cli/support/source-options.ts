import { Option, type Command } from 'commander';
import { readIdsFile, type SourceSpec } from '../../sources.ts';

/** The options every command that reads articles shares (ingest, enqueue). */
export function addSourceOptions(command: Command): Command {
  return command
    .addOption(new Option('--source <kind>', 'where articles come from').choices(['pmc-s3', 'legacy', 'dir']).makeOptionMandatory())
    .option('--location <dirOrUrl>', 'dir: a directory of article folders; legacy: a directory or http(s) mirror of PMCnnn.tar.gz')
    .option('--bucket <name>', 'pmc-s3: bucket in the PMC Cloud layout (default $PMC_SOURCE_BUCKET)')
    .option('--endpoint <url>', 'pmc-s3: S3 endpoint (default $PMC_SOURCE_ENDPOINT, else $S3_ENDPOINT)')
    .option('--anonymous', 'pmc-s3: unsigned requests (the public pmc-oa-opendata bucket)')
    .option('--inventory <manifestKey>', 'pmc-s3: enumerate from a daily inventory manifest.json key')
    .option('--prefix <prefix>', 'pmc-s3: enumerate article versions under this prefix (e.g. PMC11)')
    .option('--file-list <csv>', 'legacy: an oa_file_list.csv naming the packages (paths relative to --location); enables --since')
    .option('--ids <file>', 'a file of PMCIDs (pmc-s3: latest version of each) or package names (legacy), one per line');
}

export interface SourceFlags {
  source: SourceSpec['kind'];
  location?: string;
  bucket?: string;
  endpoint?: string;
  anonymous?: boolean;
  inventory?: string;
  prefix?: string;
  ids?: string;
  fileList?: string;
}

export async function sourceSpecFromFlags(flags: SourceFlags): Promise<SourceSpec> {
  return {
    kind: flags.source,
    ...(flags.location ? { location: flags.location } : {}),
    ...(flags.bucket ? { bucket: flags.bucket } : {}),
    ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
    ...(flags.anonymous ? { anonymous: true } : {}),
    ...(flags.inventory ? { inventory: flags.inventory } : {}),
    ...(flags.prefix !== undefined ? { prefix: flags.prefix } : {}),
    ...(flags.ids ? { ids: await readIdsFile(flags.ids) } : {}),
    ...(flags.fileList ? { fileList: flags.fileList } : {}),
  };
}

export function licenseGroupsFromFlag(value: string | undefined, fallback: string): Array<'comm' | 'noncomm' | 'other'> {
  const raw = value ?? fallback;
  if (raw === 'all') return ['comm', 'noncomm', 'other'];
  return raw.split(',').map((part) => {
    const group = part.trim();
    if (group !== 'comm' && group !== 'noncomm' && group !== 'other') throw new Error(`--license takes comm, noncomm, other or all, not "${group}"`);
    return group;
  });
}
