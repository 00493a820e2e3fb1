import type { Element, Node } from '@xmldom/xmldom';
import { childElements, isElement, isText, nameOf } from './dom.ts';

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

/** The text of a node with inline markup (italic, xref, MathML, ...) flattened and whitespace normalised. */
export function flattenText(node: Node, options: FlattenOptions = {}): string {
  const walk: Walk = { parts: [], skip: options.skip, inMath: false };
  collect(node, walk);
  return normalizeWhitespace(walk.parts.join(''));
}

interface Walk {
  parts: string[];
  skip: ReadonlySet<string> | undefined;
  /** Inside MathML, whitespace between tokens is layout, not text. */
  inMath: boolean;
}

function collect(node: Node, walk: Walk): void {
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (isText(child)) {
      const text = child.nodeValue ?? '';
      if (!walk.inMath || text.trim()) walk.parts.push(text);
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
  } else if (name === 'math' && !walk.inMath) {
    collect(el, { ...walk, inMath: true });
  } else {
    collect(el, walk);
  }
  if (block) walk.parts.push(' ');
}
