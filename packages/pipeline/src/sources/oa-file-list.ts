import { parse as parseCsv } from 'csv-parse/sync';
import { CurationError } from '../errors.ts';
import { normalizeLicenseCode } from '../jats/index.ts';

/** One row of the legacy `oa_file_list.csv`: `File,Article Citation,Accession ID,Last Updated,PMID,License`. */
export interface OaFileListEntry {
  /** Path of the package relative to the mirror root, e.g. "oa_package/08/e0/PMC13900.tar.gz". */
  file: string;
  pmcid: string;
  lastUpdated: Date | null;
  pmid: string | null;
  /** Normalised licence code ("CC BY", ...) or null ("NO-CC CODE"). */
  licenseCode: string | null;
  retracted: boolean;
}

const PMCID = /^PMC\d+$/;

function parseDate(text: string | undefined): Date | null {
  if (!text) return null;
  const iso = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (iso) return new Date(Date.UTC(+iso[1]!, +iso[2]! - 1, +iso[3]!, +iso[4]!, +iso[5]!, +(iso[6] ?? 0)));
  // Some mirrors wrote "dd-mm-yy hh:mm".
  const short = /^(\d{2})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(text.trim());
  if (short) return new Date(Date.UTC(2000 + +short[3]!, +short[2]! - 1, +short[1]!, +short[4]!, +short[5]!));
  return null;
}

/** Parses a legacy file list, with or without its header row; rows without a PMCID are skipped. */
export function parseOaFileList(text: string | Uint8Array): OaFileListEntry[] {
  let rows: string[][];
  try {
    rows = parseCsv(typeof text === 'string' ? text : Buffer.from(text), { relax_column_count: true, skip_empty_lines: true, relax_quotes: true });
  } catch (error) {
    throw new CurationError('InvalidInput', `the file list is not valid CSV: ${(error as Error).message}`);
  }
  const entries: OaFileListEntry[] = [];
  for (const row of rows) {
    const [file, , pmcid, updated, pmid, license, retracted] = row.map((cell) => cell.trim());
    if (!file || !pmcid || !PMCID.test(pmcid)) continue;
    entries.push({
      file,
      pmcid,
      lastUpdated: parseDate(updated),
      pmid: pmid || null,
      licenseCode: license ? normalizeLicenseCode(license) : null,
      retracted: retracted?.toLowerCase() === 'yes',
    });
  }
  return entries;
}
