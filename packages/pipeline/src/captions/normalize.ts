/**
 * Caption text clean-up before label detection: markup remnants, entities, Unicode look-alikes
 * (full-width brackets and letters, dashes), bidi/zero-width controls, whitespace.
 * Every pass is a single linear scan or a regex without nested quantifiers.
 */

/** Longer captions are cut here; the cut is reported as a flag. Real captions stay far below it. */
export const MAX_CAPTION_CHARS = 20_000;

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', minus: '−',
  times: '×', plusmn: '±', micro: 'µ', deg: '°', thinsp: ' ', ensp: ' ', emsp: ' ',
};

// Tags are bounded to 300 chars so a lone '<' in "p<0.05" never swallows the caption.
const TAG_RE = /<\/?[A-Za-z][A-Za-z0-9:_-]{0,40}(?:\s[^<>]{0,300})?\/?>/g;
const ENTITY_RE = /&(#x[0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[A-Za-z]{2,8});/g;
// Hyphen-like code points folded to '-' (en/em dashes, minus sign, non-breaking hyphen, ...).
const DASH_RE = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;
// Bidi marks, zero-width characters, soft hyphen, BOM.
const INVISIBLE_RE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;
const SPACE_RE = /[\s\u00A0\u2000-\u200A\u202F\u205F\u3000]+/g;

function decodeEntity(_m: string, body: string): string {
  if (body.startsWith('#x')) {
    const cp = Number.parseInt(body.slice(2), 16);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : ' ';
  }
  if (body.startsWith('#')) {
    const cp = Number.parseInt(body.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : ' ';
  }
  return NAMED_ENTITIES[body.toLowerCase()] ?? `&${body};`;
}

/** Full-width ASCII (U+FF01..U+FF5E) to ASCII: "（Ａ）" -> "(A)". */
function foldFullWidth(s: string): string {
  let out = '';
  let changed = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) {
      out += String.fromCharCode(c - 0xfee0);
      changed = true;
    } else if (c === 0x3010 || c === 0x3014) {
      out += '[';
      changed = true;
    } else if (c === 0x3011 || c === 0x3015) {
      out += ']';
      changed = true;
    } else {
      out += s[i];
    }
  }
  return changed ? out : s;
}

export interface NormalizedCaption {
  text: string;
  truncated: boolean;
}

export function normalizeCaption(raw: unknown): NormalizedCaption {
  let s = typeof raw === 'string' ? raw : raw == null ? '' : String(raw);
  let truncated = false;
  // Cut early (with slack for markup) so that no later pass sees a huge string.
  if (s.length > MAX_CAPTION_CHARS * 2) {
    s = s.slice(0, MAX_CAPTION_CHARS * 2);
    truncated = true;
  }
  s = s.replace(TAG_RE, ' ').replace(ENTITY_RE, decodeEntity);
  s = foldFullWidth(s);
  s = s.replace(INVISIBLE_RE, '').replace(DASH_RE, '-').replace(SPACE_RE, ' ').trim();
  if (s.length > MAX_CAPTION_CHARS) {
    s = s.slice(0, MAX_CAPTION_CHARS);
    truncated = true;
  }
  return { text: s, truncated };
}
