import { CurationError } from '../errors.ts';

/**
 * The DOCTYPE's internal subset, read by hand because xmldom ignores entity declarations (references to them
 * stay raw text) and misreads some subsets. Older PLOS / NLM files declare a few internal general entities
 * there (`<!ENTITY ... "...">`); those are expanded with a bound on the expanded size and the nesting depth.
 * Everything that can reach outside the document or blow up is refused with `MalformedXml`: external
 * entities (SYSTEM / PUBLIC, NDATA), parameter entities and their references, self-reference, oversized or
 * too deeply nested expansion (billion laughs, quadratic blowup).
 */

export interface EntityLimits {
  /** Most characters that entity references may add to the document, all references together. */
  maxExpandedChars: number;
  /** Most entities nested inside one another (an entity whose text refers to another is depth 2). */
  maxDepth: number;
}

export const DEFAULT_ENTITY_LIMITS: EntityLimits = { maxExpandedChars: 1 << 20, maxDepth: 8 };

export interface Doctype {
  /** Offset of `<!DOCTYPE` and of the character after its closing `>`. */
  start: number;
  end: number;
  /** The root element name the DOCTYPE names. */
  name: string;
  /** The text between `[` and `]`, or null without an internal subset. */
  internalSubset: string | null;
}

const XML_PREDEFINED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const NAME = /[^\s%&;<>"'[\]/=]+/y;

function malformed(message: string): CurationError {
  return new CurationError('MalformedXml', `JATS XML ${message}`);
}

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/** Index after the end marker, or throws when the construct never closes. */
function skipPast(text: string, from: number, marker: string, what: string): number {
  const at = text.indexOf(marker, from);
  if (at < 0) throw malformed(`has an unterminated ${what}`);
  return at + marker.length;
}

/** A quoted literal starting at `at` (which holds the quote): its content and the index after it. */
function readLiteral(text: string, at: number, what: string): { value: string; end: number } {
  const quote = text[at]!;
  const close = text.indexOf(quote, at + 1);
  if (close < 0) throw malformed(`has an unterminated ${what} literal in its DOCTYPE`);
  return { value: text.slice(at + 1, close), end: close + 1 };
}

function readName(text: string, at: number): { name: string; end: number } | null {
  NAME.lastIndex = at;
  const match = NAME.exec(text);
  return match ? { name: match[0], end: at + match[0].length } : null;
}

function skipSpace(text: string, at: number): number {
  while (isSpace(text[at])) at++;
  return at;
}

/**
 * The DOCTYPE of the prolog (after the XML declaration, comments and processing instructions; before the root
 * element), or null when there is none. Quoted literals are skipped whole, so a `>` or `[` inside a SYSTEM or
 * PUBLIC literal neither ends the declaration nor starts a subset.
 */
export function findDoctype(xml: string): Doctype | null {
  let at = 0;
  for (;;) {
    at = skipSpace(xml, at);
    if (xml.startsWith('<?', at)) at = skipPast(xml, at + 2, '?>', 'processing instruction');
    else if (xml.startsWith('<!--', at)) at = skipPast(xml, at + 4, '-->', 'comment');
    else break;
  }
  if (xml.slice(at, at + 9).toUpperCase() !== '<!DOCTYPE') return null;
  const start = at;
  at = skipSpace(xml, at + 9);
  const name = readName(xml, at);
  if (!name) throw malformed('has a DOCTYPE without a root element name');
  at = name.end;
  let internalSubset: string | null = null;
  for (;;) {
    at = skipSpace(xml, at);
    const ch = xml[at];
    if (ch === undefined) throw malformed('has an unterminated DOCTYPE');
    if (ch === '>') return { start, end: at + 1, name: name.name, internalSubset };
    if (ch === '"' || ch === "'") {
      at = readLiteral(xml, at, 'SYSTEM/PUBLIC').end;
    } else if (ch === '[' && internalSubset === null) {
      const end = endOfSubset(xml, at + 1);
      internalSubset = xml.slice(at + 1, end);
      at = end + 1;
    } else {
      const word = readName(xml, at);
      if (!word || internalSubset !== null) throw malformed(`has an unexpected "${ch}" in its DOCTYPE`);
      at = word.end;
    }
  }
}

/** Index of the `]` that closes the internal subset starting at `from`; comments, PIs and literals skipped. */
function endOfSubset(xml: string, from: number): number {
  let at = from;
  for (;;) {
    const ch = xml[at];
    if (ch === undefined) throw malformed('has an unterminated internal subset in its DOCTYPE');
    if (ch === ']') return at;
    if (xml.startsWith('<!--', at)) at = skipPast(xml, at + 4, '-->', 'comment');
    else if (xml.startsWith('<?', at)) at = skipPast(xml, at + 2, '?>', 'processing instruction');
    else if (ch === '"' || ch === "'") at = readLiteral(xml, at, 'declaration').end;
    else at++;
  }
}

/**
 * The internal general entities the subset declares, name → replacement text (character references already
 * replaced, as XML does when it reads the declaration). The first declaration of a name wins; redeclared
 * predefined entities (`lt`, `amp`, ...) are ignored. Throws for anything that is not an internal entity.
 */
export function declaredEntities(subset: string): Map<string, string> {
  const entities = new Map<string, string>();
  let at = 0;
  for (;;) {
    at = skipSpace(subset, at);
    if (at >= subset.length) return entities;
    if (subset.startsWith('<!--', at)) {
      at = skipPast(subset, at + 4, '-->', 'comment');
    } else if (subset.startsWith('<?', at)) {
      at = skipPast(subset, at + 2, '?>', 'processing instruction');
    } else if (subset[at] === '%') {
      throw malformed('references a parameter entity in its DOCTYPE; refused (parameter entities are not supported)');
    } else if (subset.startsWith('<!ENTITY', at)) {
      at = readEntityDeclaration(subset, at + 8, entities);
    } else if (/^<!(?:ELEMENT|ATTLIST|NOTATION)\s/.test(subset.slice(at, at + 11))) {
      at = endOfDeclaration(subset, at + 2);
    } else {
      throw malformed(`has unexpected text in its DOCTYPE internal subset: "${subset.slice(at, at + 20)}"`);
    }
  }
}

/** Index after the `>` that ends a markup declaration; literals may contain `>`. */
function endOfDeclaration(subset: string, from: number): number {
  let at = from;
  for (;;) {
    const ch = subset[at];
    if (ch === undefined) throw malformed('has an unterminated declaration in its DOCTYPE');
    if (ch === '>') return at + 1;
    if (ch === '%') throw malformed('references a parameter entity in its DOCTYPE; refused (parameter entities are not supported)');
    at = ch === '"' || ch === "'" ? readLiteral(subset, at, 'declaration').end : at + 1;
  }
}

function readEntityDeclaration(subset: string, from: number, entities: Map<string, string>): number {
  if (!isSpace(subset[from])) throw malformed('has a malformed ENTITY declaration in its DOCTYPE');
  let at = skipSpace(subset, from);
  if (subset[at] === '%') {
    throw malformed('declares a parameter entity in its DOCTYPE; refused (parameter entities are not supported)');
  }
  const name = readName(subset, at);
  if (!name) throw malformed('has an ENTITY declaration without a name in its DOCTYPE');
  at = skipSpace(subset, name.end);
  const ch = subset[at];
  if (ch !== '"' && ch !== "'") {
    const keyword = readName(subset, at)?.name;
    if (keyword === 'SYSTEM' || keyword === 'PUBLIC') {
      throw malformed(`declares the external entity "${name.name}" (${keyword}) in its DOCTYPE; refused (external entities are not read)`);
    }
    throw malformed(`has a malformed declaration of entity "${name.name}" in its DOCTYPE`);
  }
  const literal = readLiteral(subset, at, 'entity value');
  at = skipSpace(subset, literal.end);
  if (subset[at] !== '>') throw malformed(`has a malformed declaration of entity "${name.name}" in its DOCTYPE`);
  if (literal.value.includes('%')) {
    throw malformed(`uses a parameter entity in the value of entity "${name.name}"; refused (parameter entities are not supported)`);
  }
  if (!XML_PREDEFINED.has(name.name) && !entities.has(name.name)) {
    entities.set(name.name, replaceCharacterReferences(literal.value));
  }
  return at + 1;
}

function replaceCharacterReferences(value: string): string {
  return value.replace(/&#(?:x([0-9a-fA-F]+)|([0-9]+));/g, (whole, hex: string | undefined, dec: string | undefined) => {
    const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(dec);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** Markup that is passed through as is (references are literal there), a start tag, or a reference. */
const TOKEN = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<[A-Za-z_:][^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>|&([^\s&;<>"']+);/g;
const REFERENCE = /&([^\s&;<>"']+);/g;

class Expander {
  private readonly expanded = new Map<string, string>();
  private added = 0;

  constructor(
    private readonly entities: ReadonlyMap<string, string>,
    private readonly limits: EntityLimits,
  ) {}

  /** `text` with every reference to a declared entity replaced by its (recursively expanded) text. */
  expandText(text: string): string {
    const stack: string[] = [];
    if (!text.includes('&')) return text;
    return text.replace(TOKEN, (whole, name: string | undefined) => {
      if (name !== undefined) return this.entities.has(name) ? this.use(name, stack) : whole;
      if (whole[0] !== '<' || whole[1] === '!' || whole[1] === '?' || !whole.includes('&')) return whole;
      // A start tag: references in attribute values expand to plain text, so quotes and `<` are escaped.
      return whole.replace(REFERENCE, (ref, attrName: string) =>
        this.entities.has(attrName) ? escapeAttribute(this.use(attrName, stack)) : ref,
      );
    });
  }

  private use(name: string, stack: string[]): string {
    const text = this.expansionOf(name, stack);
    this.added += text.length;
    if (this.added > this.limits.maxExpandedChars) throw tooLarge(this.limits);
    return text;
  }

  private expansionOf(name: string, stack: string[]): string {
    const known = this.expanded.get(name);
    if (known !== undefined) return known;
    if (stack.includes(name)) throw malformed(`entity "${name}" refers to itself; refused`);
    if (stack.length >= this.limits.maxDepth) {
      throw malformed(`nests entities more than ${this.limits.maxDepth} deep; refused (entity bomb?)`);
    }
    // The result is cached: an entity used many times is expanded once, and each use costs its length.
    const text = this.expandNested(name, [...stack, name]);
    if (text.length > this.limits.maxExpandedChars) throw tooLarge(this.limits);
    this.expanded.set(name, text);
    return text;
  }

  private expandNested(name: string, stack: string[]): string {
    const raw = this.entities.get(name) ?? '';
    if (!raw.includes('&')) return raw;
    // Inner references are measured on their own: the text built here must itself stay under the bound.
    let size = 0;
    return raw.replace(TOKEN, (whole, inner: string | undefined) => {
      let piece = whole;
      if (inner !== undefined && this.entities.has(inner)) piece = this.expansionOf(inner, stack);
      else if (inner === undefined && whole[0] === '<' && whole[1] !== '!' && whole[1] !== '?' && whole.includes('&')) {
        piece = whole.replace(REFERENCE, (ref, attrName: string) =>
          this.entities.has(attrName) ? escapeAttribute(this.expansionOf(attrName, stack)) : ref,
        );
      }
      size += piece.length;
      if (size > this.limits.maxExpandedChars) throw tooLarge(this.limits);
      return piece;
    });
  }
}

function tooLarge(limits: EntityLimits): CurationError {
  return malformed(`expands entities to more than ${limits.maxExpandedChars} characters; refused (entity bomb?)`);
}

function escapeAttribute(text: string): string {
  return text.replace(/[<"']/g, (ch) => (ch === '<' ? '&lt;' : ch === '"' ? '&quot;' : '&apos;'));
}

/**
 * The document with its DOCTYPE's internal subset applied: internal general entities expanded in content and
 * attribute values, and the DOCTYPE itself replaced by the line breaks it held (so parser line numbers stay
 * right). Input without an internal subset is returned unchanged.
 */
export function applyInternalSubset(xml: string, limits: EntityLimits = DEFAULT_ENTITY_LIMITS): string {
  const doctype = findDoctype(xml);
  if (!doctype || doctype.internalSubset === null) return xml;
  const entities = declaredEntities(doctype.internalSubset);
  const lineBreaks = xml.slice(doctype.start, doctype.end).replace(/[^\n]/g, '');
  const body = xml.slice(doctype.end);
  const expanded = entities.size > 0 ? new Expander(entities, limits).expandText(body) : body;
  return xml.slice(0, doctype.start) + lineBreaks + expanded;
}
