import { createRequire } from 'node:module';

// xmldom ships the full HTML5 named-entity table but only applies it to HTML; JATS files use the same
// names (declared in the DTD, which is never read), so they are resolved here before parsing.
const require = createRequire(import.meta.url);
const { HTML_ENTITIES } = require('@xmldom/xmldom/lib/entities.js') as {
  HTML_ENTITIES: Readonly<Record<string, string>>;
};

const XML_PREDEFINED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/** The character(s) of a named entity (`nbsp` → U+00A0), or undefined when unknown. */
function namedEntity(name: string): string | undefined {
  return Object.hasOwn(HTML_ENTITIES, name) ? HTML_ENTITIES[name] : undefined;
}

/**
 * Replaces named entity references that XML does not predefine (`&nbsp;`, `&ndash;`, `&hairsp;` ...)
 * with numeric character references, which every XML parser understands without a DTD. Unknown names
 * are left for the parser to report.
 */
export function replaceNamedEntities(xml: string): string {
  if (!xml.includes('&')) return xml;
  // CDATA sections and comments are matched too, and returned untouched: references are literal there.
  return xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|&([A-Za-z][A-Za-z0-9]*);/g, (whole, name: string | undefined) => {
    if (name === undefined || XML_PREDEFINED.has(name)) return whole;
    const value = namedEntity(name);
    if (value === undefined) return whole;
    let out = '';
    for (const ch of value) out += `&#x${(ch.codePointAt(0) ?? 0xfffd).toString(16)};`;
    return out;
  });
}
