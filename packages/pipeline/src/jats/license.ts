import type { Element } from '@xmldom/xmldom';
import type { JatsLicense } from './types.ts';
import { attr, childElements, descendants, firstChildElement, hrefOf, nameOf } from './dom.ts';
import { flattenText } from './text.ts';

export type LicenseGroup = 'comm' | 'noncomm' | 'other';

const COMMERCIAL = new Set(['CC0', 'CC BY', 'CC BY-SA', 'CC BY-ND']);
const NON_COMMERCIAL = new Set(['CC BY-NC', 'CC BY-NC-SA', 'CC BY-NC-ND']);

/** PMC's licence groups: commercial use allowed, non-commercial only, or other (no CC licence known). */
export function licenseGroup(code: string | null): LicenseGroup {
  if (code === null) return 'other';
  if (COMMERCIAL.has(code)) return 'comm';
  if (NON_COMMERCIAL.has(code)) return 'noncomm';
  return 'other';
}

/** Builds "CC BY-NC-ND" from the CC element flags, in PMC's order. */
function ccCode(parts: { nc: boolean; sa: boolean; nd: boolean }): string {
  let code = 'CC BY';
  const suffix = [parts.nc ? 'NC' : '', parts.sa ? 'SA' : '', parts.nd ? 'ND' : ''].filter(Boolean);
  if (suffix.length) code += `-${suffix.join('-')}`;
  return code;
}

/** creativecommons.org URL → code; null when the URL is not a CC licence (or is the Public Domain Mark). */
function codeFromUrl(text: string): string | null {
  const m = /creativecommons\.org\/(licenses|publicdomain)\/([a-z0-9-]+)/i.exec(text);
  if (!m) return null;
  const kind = (m[1] ?? '').toLowerCase();
  const path = (m[2] ?? '').toLowerCase();
  if (kind === 'publicdomain') return path === 'zero' ? 'CC0' : null;
  const elements = path.split('-');
  if (elements[0] !== 'by') return null;
  return ccCode({ nc: elements.includes('nc'), sa: elements.includes('sa'), nd: elements.includes('nd') });
}

/** Short codes: "CC BY", "cc-by-nc-nd", "CC-BY 4.0", "CC0 1.0", "by-nc" ... */
function codeFromToken(text: string): string | null {
  const t = text.trim().toLowerCase().replace(/[_\s]+/g, '-');
  if (/^(cc-?0|cc-?zero)(-[\d.]+)?$/.test(t)) return 'CC0';
  const m = /^(?:cc-)?by((?:-(?:nc|sa|nd))*)(?:-[\d.]+(?:-[a-z]{2,})?)?$/.exec(t);
  if (!m) return null;
  const flags = (m[1] ?? '').split('-');
  return ccCode({ nc: flags.includes('nc'), sa: flags.includes('sa'), nd: flags.includes('nd') });
}

/** Licence prose ("... the Creative Commons Attribution-NonCommercial License ...") → code. */
function codeFromPhrase(text: string): string | null {
  const t = text.replace(/\s+/g, ' ');
  if (/\bCC0\b|creative commons (?:cc0|zero)|public domain dedication/i.test(t)) return 'CC0';
  const m = /creative commons attribution((?:[\s\-\u2010-\u2015]*(?:non[\s\-\u2010-\u2015]?commercial|share[\s\-\u2010-\u2015]?alike|no[\s\-\u2010-\u2015]?deriv(?:s|atives|ative works)))*)/i.exec(t);
  if (m) {
    const flags = (m[1] ?? '').toLowerCase().replace(/[\s\-\u2010-\u2015]/g, '');
    return ccCode({ nc: flags.includes('noncommercial'), sa: flags.includes('sharealike'), nd: flags.includes('noderiv') });
  }
  const token = /\bCC[ -]BY(?:-(?:NC|SA|ND))*\b/i.exec(t);
  return token ? codeFromToken(token[0]) : null;
}

/**
 * Any licence designation → PMC's code ("CC BY", "CC BY-NC-ND", "CC0", "TDM") or null. Accepts PMC metadata
 * JSON values, short forms ("cc-by-nc"), creativecommons.org URLs and licence sentences.
 */
export function normalizeLicenseCode(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const text = raw.trim();
  if (!text) return null;
  if (/^tdm$/i.test(text)) return 'TDM';
  return codeFromToken(text) ?? codeFromUrl(text) ?? codeFromPhrase(text);
}

/**
 * The licence of the main article, from `article-meta`: the first `<license>` whose URL, `license-type`
 * or text names a CC licence, else the first `<license>`, else the copyright statement (old PLOS XML
 * puts its licence sentence there).
 */
export function extractLicense(articleMeta: Element): JatsLicense | null {
  const permissions = permissionsOf(articleMeta);
  const scope = permissions ?? articleMeta;
  const licenses = childElements(scope, 'license');
  const statement =
    (permissions ? firstChildElement(permissions, 'copyright-statement') : null) ??
    firstChildElement(articleMeta, 'copyright-statement');
  const statementText = statement ? flattenText(statement) : null;

  const candidates = licenses.map((license) => describeLicense(license));
  const chosen = candidates.find((c) => c.code !== null) ?? candidates[0];
  if (chosen) {
    if (chosen.code === null && statementText) {
      chosen.code = codeFromUrl(statementText) ?? codeFromPhrase(statementText);
    }
    return chosen;
  }
  if (statementText) {
    return { code: codeFromUrl(statementText) ?? codeFromPhrase(statementText), url: null, text: statementText };
  }
  return null;
}

function permissionsOf(articleMeta: Element): Element | null {
  return firstChildElement(articleMeta, 'permissions');
}

function describeLicense(license: Element): JatsLicense {
  const refs = descendants(license, 'license_ref');
  const refUrl = refs.length ? flattenText(refs[0]!) || null : null;
  const linkUrl = descendants(license, 'ext-link')
    .map((link) => hrefOf(link) ?? flattenText(link))
    .find((href) => /creativecommons\.org/i.test(href));
  const url = hrefOf(license) ?? refUrl ?? linkUrl ?? null;
  const paragraphs = childElements(license).filter((el) => nameOf(el) !== 'license_ref');
  const text = paragraphs.map((p) => flattenText(p)).filter(Boolean).join(' ') || flattenText(license) || null;
  const type = attr(license, 'license-type');
  const code =
    (url ? codeFromUrl(url) : null) ??
    (type ? codeFromToken(type) : null) ??
    (text ? codeFromUrl(text) ?? codeFromPhrase(text) : null);
  return { code, url, text };
}

/**
 * The licence PMC's metadata JSON states wins over what the XML says: PMC classifies the OA subset
 * by it. `undefined` means no metadata, in which case the XML licence stands. An explicit null from the
 * metadata means PMC has no CC licence on record, so the code becomes null (the XML url/text are kept).
 */
export function applyMetadataLicense(
  fromXml: JatsLicense | null,
  metadataCode: string | null | undefined,
): JatsLicense | null {
  if (metadataCode === undefined) return fromXml;
  const code = normalizeLicenseCode(metadataCode);
  return { code, url: fromXml?.url ?? null, text: fromXml?.text ?? null };
}
