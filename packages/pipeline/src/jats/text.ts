import type { Element, Node } from '@xmldom/xmldom';
import { childElements, isElement, isText, nameOf } from './dom.ts';
import { mathText, texText } from './math.ts';

/** Elements whose text never belongs to the prose around them. */
const ALWAYS_SKIP = new Set([
  'alt-text', 'long-desc', 'object-id', 'permissions', 'attrib', 'annotation', 'annotation-xml',
  'supplementary-material', 'media',
]);

/** Elements that start a new block: a space separates their text from the neighbouring text. */
const BLOCK = new Set([
  'p', 'title', 'label', 'caption', 'list', 'list-item', 'def-list', 'def-item', 'term', 'def', 'disp-quote',
  'break', 'table', 'thead', 'tbody', 'tr', 'td', 'th', 'sec', 'fn', 'disp-formula', 'statement',
  'boxed-text', 'verse-group', 'verse-line', 'array', 'chem-struct-wrap', 'preformat', 'speech', 'speaker',
]);

export interface FlattenOptions {
  /** Extra element names whose subtree is left out. */
  skip?: ReadonlySet<string>;
}

/** Collapses every run of whitespace (including NBSP and thin spaces) to one space, trims, NFC-normalises. */
export function normalizeWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim().normalize('NFC');
}

/** What a formula that exists only as an image (PLOS `<inline-formula><inline-graphic/>`) reads as. */
const FORMULA_PLACEHOLDER = '[formula]';

/**
 * The text of a node with inline markup (italic, xref, ...) flattened and whitespace normalised. Formulas
 * stay as text (see math.ts); one that is only an image becomes {@link FORMULA_PLACEHOLDER}.
 */
export function flattenText(node: Node, options: FlattenOptions = {}): string {
  const walk: Walk = { parts: [], skip: options.skip, inFormula: false };
  collect(node, walk);
  return normalizeWhitespace(walk.parts.join(''));
}

interface Walk {
  parts: string[];
  skip: ReadonlySet<string> | undefined;
  /** Inside `<inline-formula>` / `<disp-formula>`, where a graphic is the formula itself. */
  inFormula: boolean;
}

function collect(node: Node, walk: Walk): void {
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (isText(child)) {
      walk.parts.push(child.nodeValue ?? '');
    } else if (isElement(child)) {
      collectElement(child, walk);
    }
  }
}

function collectElement(el: Element, walk: Walk): void {
  const name = nameOf(el);
  if (ALWAYS_SKIP.has(name) || walk.skip?.has(name)) return;
  const block = BLOCK.has(name);
  if (block) walk.parts.push(' ');
  if (name === 'alternatives') {
    // The same content in several renderings (MathML, TeX, an image): keep one.
    const children = childElements(el);
    const chosen =
      children.find((c) => nameOf(c) === 'math') ??
      children.find((c) => nameOf(c) === 'tex-math') ??
      children.find((c) => nameOf(c) !== 'graphic' && nameOf(c) !== 'inline-graphic');
    if (chosen) collectElement(chosen, walk);
    else if (walk.inFormula && children.length > 0) walk.parts.push(FORMULA_PLACEHOLDER);
  } else if (name === 'math') {
    walk.parts.push(mathText(el));
  } else if (name === 'tex-math') {
    walk.parts.push(texText(el));
  } else if (name === 'inline-formula' || name === 'disp-formula') {
    collect(el, { ...walk, inFormula: true });
  } else if ((name === 'inline-graphic' || name === 'graphic') && walk.inFormula) {
    walk.parts.push(FORMULA_PLACEHOLDER);
  } else {
    collect(el, walk);
  }
  if (block) walk.parts.push(' ');
}
