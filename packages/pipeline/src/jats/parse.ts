import { DOMParser } from '@xmldom/xmldom';
import type { Document, Element } from '@xmldom/xmldom';
import { CurationError } from '../errors.ts';
import type { JatsArticle } from './types.ts';
import { attr, childElements, descendants, firstChildElement, nameOf } from './dom.ts';
import { applyInternalSubset, DEFAULT_ENTITY_LIMITS, type EntityLimits } from './doctype.ts';
import { replaceNamedEntities } from './entities.ts';
import { extractFigures } from './figures.ts';
import { applyMetadataLicense, extractLicense } from './license.ts';
import { decodeXml } from './decode.ts';
import { flattenText } from './text.ts';

export interface ParseJatsOptions {
  /**
   * Larger input is refused with `InvalidInput` before parsing.
   * @defaultValue 50 MiB
   */
  maxBytes?: number;
  /**
   * `license_code` from the PMC metadata JSON. When given (even null) it decides the licence code;
   * when undefined the code is read from the XML.
   */
  metadataLicenseCode?: string | null;
  /** Bounds on expanding the entities a DOCTYPE internal subset declares. @defaultValue DEFAULT_ENTITY_LIMITS */
  entityLimits?: EntityLimits;
}

export const DEFAULT_MAX_JATS_BYTES = 50 * 1024 * 1024;

/** Entity problems are tolerated (the raw reference stays in the text); other errors mean broken XML. */
const TOLERATED_ERRORS = /^(entity not found|EntityRef: expecting ;|entity not matching Reference production)/;

/**
 * Parses one JATS / NLM article. Internal general entities of the DOCTYPE are expanded (bounded); throws
 * `CurationError` `MalformedXml` for input that is not a well-formed JATS article (truncated, garbage, external
 * or parameter entities, entity bombs) and `InvalidInput` for oversized input.
 */
export function parseJats(xml: string | Uint8Array, options: ParseJatsOptions = {}): JatsArticle {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_JATS_BYTES;
  const size = typeof xml === 'string' ? Buffer.byteLength(xml, 'utf8') : xml.byteLength;
  if (size > maxBytes) {
    throw new CurationError('InvalidInput', `JATS XML is ${size} bytes, over the ${maxBytes}-byte limit`);
  }
  const source = (typeof xml === 'string' ? xml : decodeXml(xml)).replace(/^\uFEFF/, '');
  const article = findArticle(parseDocument(source, options.entityLimits ?? DEFAULT_ENTITY_LIMITS));
  try {
    const meta = articleMetaOf(article);
    const ids = meta ? articleIds(meta) : { pmcid: null, pmid: null, doi: null };
    const titleEl = meta ? firstChildElement(firstChildElement(meta, 'title-group') ?? meta, 'article-title') : null;
    const license = applyMetadataLicense(meta ? extractLicense(meta) : null, options.metadataLicenseCode);
    return {
      ...ids,
      title: (titleEl && flattenText(titleEl)) || null,
      license,
      figures: extractFigures(article),
    };
  } catch (error) {
    // Only absurdly deep nesting gets here (flattenText recurses); anything else is a bug and propagates.
    if (error instanceof RangeError) {
      throw new CurationError('MalformedXml', `JATS XML is nested too deeply to process: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function parseDocument(original: string, entityLimits: EntityLimits): Document {
  if (!original.trim()) throw new CurationError('MalformedXml', 'JATS XML is empty');
  const source = applyInternalSubset(original, entityLimits);
  let firstProblem = null as string | null;
  const parser = new DOMParser({
    onError(level, message) {
      if (level === 'warning') return;
      if (level === 'error' && TOLERATED_ERRORS.test(message)) return;
      firstProblem ??= message;
      // Throwing stops xmldom at the first real error instead of building a half-repaired tree.
      throw new Error(message);
    },
  });
  try {
    const doc = parser.parseFromString(replaceNamedEntities(source), 'text/xml');
    if (!doc.documentElement) throw new Error('missing root element');
    return doc;
  } catch (error) {
    const message = firstProblem ?? (error instanceof Error ? error.message : String(error));
    throw new CurationError('MalformedXml', `JATS XML is not well-formed: ${excerpt(message)}`, { cause: error });
  }
}

/** xmldom quotes the offending input; keep messages short and printable for logs and the ledger. */
function excerpt(message: string): string {
  const printable = message.replace(/[^\P{C}\n\t]|\uFFFD/gu, '?').replace(/\s+/g, ' ');
  return printable.length > 200 ? `${printable.slice(0, 200)}…` : printable;
}

/** The root `<article>`, or the first one inside a wrapper such as PMC's `<pmc-articleset>`. */
function findArticle(doc: Document): Element {
  const root = doc.documentElement;
  if (root && nameOf(root) === 'article') return root;
  const nested = root ? descendants(root, 'article')[0] : undefined;
  if (nested) return nested;
  throw new CurationError('MalformedXml', `not a JATS article: the root element is <${root ? root.nodeName : '?'}>`);
}

/** The main article's `front/article-meta` (never a sub-article's or a reference's). */
function articleMetaOf(article: Element): Element | null {
  const front = firstChildElement(article, 'front');
  return front ? firstChildElement(front, 'article-meta') : null;
}

function articleIds(meta: Element): { pmcid: string | null; pmid: string | null; doi: string | null } {
  const byType = new Map<string, string>();
  for (const el of childElements(meta, 'article-id')) {
    const type = attr(el, 'pub-id-type')?.trim().toLowerCase();
    const value = flattenText(el);
    if (type && value && !byType.has(type)) byType.set(type, value);
  }
  const pmcRaw = byType.get('pmc') ?? byType.get('pmcid') ?? byType.get('pmcaid');
  const pmcDigits = pmcRaw ? /^(?:PMC)?(\d+)(?:\.\d+)?$/i.exec(pmcRaw.replace(/\s+/g, ''))?.[1] : undefined;
  const pmidRaw = byType.get('pmid')?.replace(/\s+/g, '');
  const doiRaw = byType.get('doi')?.replace(/^(?:doi:\s*|https?:\/\/(?:dx\.)?doi\.org\/)/i, '').trim();
  return {
    pmcid: pmcDigits ? `PMC${pmcDigits}` : null,
    pmid: pmidRaw && /^\d+$/.test(pmidRaw) ? pmidRaw : null,
    doi: doiRaw || null,
  };
}

