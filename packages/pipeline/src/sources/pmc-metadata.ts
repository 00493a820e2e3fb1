import { z } from 'zod';
import { CurationError } from '../errors.ts';

/** The PMC Cloud `PMC<id>.<ver>.json` metadata document (fields we use; others pass through). */
export const pmcMetadataSchema = z
  .object({
    pmcid: z.string().regex(/^PMC\d+$/),
    version: z.coerce.number().int().positive(),
    pmid: z.union([z.number(), z.string()]).nullish().transform((value) => (value == null ? null : String(value))),
    doi: z.string().nullish().transform((value) => value ?? null),
    title: z.string().nullish().transform((value) => value ?? null),
    is_pmc_openaccess: z.boolean().nullish(),
    is_retracted: z.boolean().nullish().transform((value) => value ?? false),
    is_manuscript: z.boolean().nullish(),
    license_code: z.string().nullish().transform((value) => value ?? null),
    xml_url: z.string().nullish(),
    media_urls: z.array(z.string()).nullish().transform((value) => value ?? []),
  })
  .passthrough();

export type PmcMetadata = z.infer<typeof pmcMetadataSchema>;

export function parsePmcMetadata(bytes: Uint8Array, where: string): PmcMetadata {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new CurationError('InvalidMetadata', `${where} is not valid JSON: ${(error as Error).message}`, { subject: where });
  }
  const parsed = pmcMetadataSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new CurationError('InvalidMetadata', `${where} does not match the PMC metadata schema: ${problems}`, { subject: where });
  }
  return parsed.data;
}

/** "s3://pmc-oa-opendata/PMC1.1/x.jpg?md5=..." → { key: "PMC1.1/x.jpg", md5 } */
export function parseS3Url(url: string): { bucket: string; key: string; md5: string | null } | null {
  const match = /^s3:\/\/([^/]+)\/([^?]+)(?:\?md5=([0-9a-f]{32}))?/i.exec(url);
  if (!match?.[1] || !match[2]) return null;
  return { bucket: match[1], key: match[2], md5: match[3]?.toLowerCase() ?? null };
}

/** "PMC123.4" → { pmcid: "PMC123", version: 4 } */
export function parseArticleVersion(name: string): { pmcid: string; version: number } | null {
  const match = /^(PMC\d+)\.(\d+)$/.exec(name);
  if (!match?.[1] || !match[2]) return null;
  return { pmcid: match[1], version: Number(match[2]) };
}
