import { SaxesParser } from 'saxes';
import { EpcisValidationError } from './errors.ts';

/** A parsed XML element: namespace-resolved name, attributes, element children and its text content. */
export interface XmlElement {
  /** Namespace URI ('' for none). */
  uri: string;
  local: string;
  prefix: string;
  attributes: XmlAttribute[];
  children: XmlElement[];
  text: string;
  /** The namespace declarations in scope at this element (prefix → URI). */
  scope: Record<string, string>;
}
export interface XmlAttribute {
  uri: string;
  local: string;
  prefix: string;
  value: string;
}

export interface XmlLimits {
  /** Maximum element nesting depth (default 64). */
  maxDepth?: number;
  /** Maximum number of elements (default 5,000,000). */
  maxElements?: number;
}

/**
 * Parses XML into a tree with `saxes` (a namespace-aware, non-validating parser that never loads external
 * resources). Hostile input is refused: any DOCTYPE (so no entity declarations, no external entities, no entity
 * expansion), nesting deeper than `maxDepth`, more than `maxElements` elements, and malformed or binary input.
 */
export function parseXmlTree(text: string, limits: XmlLimits = {}): XmlElement {
  const maxDepth = limits.maxDepth ?? 64;
  const maxElements = limits.maxElements ?? 5_000_000;
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  const fail = (field: string, message: string, kind: 'syntax' | 'security') => {
    throw new EpcisValidationError([{ field, message, kind }]);
  };

  // A bare `<!DOCTYPE name>` declares and loads nothing (some GS1 examples carry one); anything with an internal
  // subset or an external identifier could declare entities and is refused.
  parser.on('doctype', (doctype) => {
    if (!/^\s*[A-Za-z_][\w.:-]*\s*$/.test(doctype))
      fail(
        'DOCTYPE',
        'document type declarations with declarations or external identifiers are not accepted',
        'security',
      );
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= maxDepth) fail(tag.name, `elements nested deeper than ${maxDepth} levels`, 'security');
    if (++count > maxElements) fail(tag.name, `more than ${maxElements} elements`, 'security');
    const parent = stack[stack.length - 1];
    const declared = tag.ns ?? {};
    const scope = Object.keys(declared).length > 0 ? { ...(parent?.scope ?? {}), ...declared } : (parent?.scope ?? {});
    const attributes: XmlAttribute[] = [];
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attributes.push({ uri: a.uri, local: a.local, prefix: a.prefix, value: a.value });
    }
    const element: XmlElement = {
      uri: tag.uri ?? '',
      local: tag.local ?? tag.name,
      prefix: tag.prefix ?? '',
      attributes,
      children: [],
      text: '',
      scope,
    };
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
  });
  parser.on('text', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('cdata', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('error', (e) => fail('xml', e.message, 'syntax'));
  parser.write(text).close();
  if (!root) return fail('xml', 'no root element', 'syntax');
  return root;
}
