import type { Element, Node } from '@xmldom/xmldom';

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

const XLINK_NS = 'http://www.w3.org/1999/xlink';

export function isElement(node: Node | null | undefined): node is Element {
  return node != null && node.nodeType === ELEMENT_NODE;
}

export function isText(node: Node): boolean {
  return node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE;
}

/** The element's local name whatever its prefix or namespace ("mml:math" → "math"). */
export function nameOf(node: Node): string {
  const local = node.localName;
  if (local) return local;
  const name = node.nodeName;
  const colon = name.indexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : name;
}

export function childElements(parent: Node, name?: string): Element[] {
  const out: Element[] = [];
  for (let child = parent.firstChild; child; child = child.nextSibling) {
    if (isElement(child) && (name === undefined || nameOf(child) === name)) out.push(child);
  }
  return out;
}

export function firstChildElement(parent: Node, name: string): Element | null {
  for (let child = parent.firstChild; child; child = child.nextSibling) {
    if (isElement(child) && nameOf(child) === name) return child;
  }
  return null;
}

/**
 * Descendant elements named `name` in document order. `prune` stops the descent below an element
 * (the pruned element itself is neither returned nor searched).
 */
export function descendants(root: Node, name: string, prune?: (el: Element) => boolean): Element[] {
  const out: Element[] = [];
  // Iterative pre-order walk: documents can nest deeper than the call stack allows.
  const stack: Node[] = [];
  for (let child = root.lastChild; child; child = child.previousSibling) stack.push(child);
  while (stack.length) {
    const node = stack.pop()!;
    if (!isElement(node) || prune?.(node)) continue;
    if (nameOf(node) === name) out.push(node);
    for (let child = node.lastChild; child; child = child.previousSibling) stack.push(child);
  }
  return out;
}

/** An attribute by local name, ignoring its prefix; an un-namespaced attribute wins over a namespaced one. */
export function attr(el: Element, localName: string): string | null {
  const direct = el.getAttribute(localName);
  if (direct !== null && direct !== '') return direct;
  const attrs = el.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs.item(i);
    if (a && nameOf(a) === localName) return a.value;
  }
  return null;
}

/** `xlink:href`, tolerating a wrong prefix or a plain `href`. */
export function hrefOf(el: Element): string | null {
  const value = el.getAttributeNS(XLINK_NS, 'href') ?? attr(el, 'href');
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
