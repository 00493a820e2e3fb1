import { z } from 'zod';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CurationError, isCurationError } from '@pmc-curator/pipeline/errors';
import { DEFAULT_MAX_JATS_BYTES, parseJats } from '@pmc-curator/pipeline/jats';
import { numberFlag, parseFlags } from './support/flags.ts';

const numbers = z.object({ maxMb: numberFlag({ above: 0, unit: 'MiB' }) });

interface JatsCommandOptions {
  metadata?: string;
  maxMb?: string;
}

const NEXT_STEP: Partial<Record<string, string>> = {
  MalformedXml: 'check that the file is a complete JATS/NLM article XML (re-fetch it if it was truncated)',
  InvalidInput: 'raise the size limit with --max-mb if the file is genuine',
  InvalidMetadata: 'fix or omit the metadata JSON (--metadata)',
};

/** `curator jats <file>`: parse one JATS article and print its identifiers, licence and figures as JSON. */
export function registerJats(program: Command): void {
  program
    .command('jats')
    .description('parse a JATS/NLM article XML and print {pmcid, pmid, doi, title, license, figures} as JSON')
    .argument('<file>', 'article XML (.xml / .nxml)')
    .option('--metadata <json>', 'PMC metadata JSON whose license_code overrides the XML licence (default: <file stem>.json beside the XML, if present)')
    .option('--max-mb <n>', 'refuse XML larger than this many MiB', String(DEFAULT_MAX_JATS_BYTES / 1024 / 1024))
    .action(async (file: string, options: JatsCommandOptions) => {
      try {
        const xml = await readInput(file);
        const metadataLicenseCode = await readMetadataLicense(options.metadata ?? siblingJson(file));
        const { maxMb } = parseFlags(numbers, options);
        const article = parseJats(xml, { maxBytes: Math.round(maxMb * 1024 * 1024), metadataLicenseCode });
        const output = {
          pmcid: article.pmcid,
          pmid: article.pmid,
          doi: article.doi,
          title: article.title,
          license: article.license,
          figures: article.figures.map(({ id, label, caption, graphics }) => ({ id, label, caption, graphics })),
        };
        process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
      } catch (error) {
        if (!isCurationError(error)) throw error;
        const hint = NEXT_STEP[error.errorClass];
        throw new Error(`${error.errorClass}: ${error.message} (${file})${hint ? `; ${hint}` : ''}`, { cause: error });
      }
    });
}

async function readInput(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new Error(`cannot read ${file}: ${code ?? String(error)}`, { cause: error });
  }
}

function siblingJson(file: string): string | undefined {
  const candidate = file.replace(/\.n?xml$/i, '.json');
  return candidate !== file && existsSync(candidate) ? candidate : undefined;
}

/** `license_code` of a PMC metadata JSON; undefined when there is no metadata or it lacks the field. */
async function readMetadataLicense(path: string | undefined): Promise<string | null | undefined> {
  if (path === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new CurationError('InvalidMetadata', `cannot read metadata JSON ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || !('license_code' in parsed)) return undefined;
  const code = parsed.license_code;
  if (code === null || typeof code === 'string') return code;
  throw new CurationError('InvalidMetadata', `license_code in ${path} is neither a string nor null`);
}
