import { DEFAULT_LINK, DEFAULT_LINK_MULTI, linkTypeUri, normaliseLinkType } from './link-types.ts';

/**
 * The resolution decision of a GS1-Conformant Resolver (GS1-Conformant Resolver standard 1.2, §"Resolution"), as a
 * value: what to answer for one request given the links known for the identifier and its ancestors. The route maps
 * the value to HTTP. Pure.
 */

/** One link as the resolver serves it. */
export interface ResolvedLink {
  /** CURIE of the link type (`gs1:pip`). */
  readonly linkType: string;
  readonly href: string;
  readonly title: string;
  readonly hreflang: readonly string[];
  readonly context: readonly string[];
  /** IANA media type of the target, if known. */
  readonly type: string | null;
  /** Declared the default link of its level. */
  readonly isDefault: boolean;
  /** Computed from the registry rather than entered by the business. */
  readonly automatic: boolean;
}

/** The links of one identifier level (a canonical Digital Link path such as `/01/0893…/10/LOT`). */
export interface LinkLevel {
  readonly identifier: string;
  readonly description: string | null;
  readonly links: readonly ResolvedLink[];
}

/** What the resolver knows about a requested identifier. */
export interface LinkEntry {
  /** Levels that exist, from the most specific (the requested one when it exists) up to the primary key. */
  readonly levels: readonly LinkLevel[];
  /** Whether the requested level itself exists; when false, resolution walks up to `levels[0]`. */
  readonly requestedKnown: boolean;
  /** The requested level or an ancestor withdrawn by its owner or the registry. */
  readonly withdrawn: { readonly identifier: string; readonly reason: string | null } | null;
}

export interface ResolutionRequest {
  /** The parsed request: its canonical path, or why it is not a valid GS1 Digital Link. */
  readonly target:
    { readonly ok: true; readonly identifier: string } | { readonly ok: false; readonly message: string };
  /** `linkType` from the query string, as given. */
  readonly linkType: string | null;
  /** `context` from the query string. */
  readonly context: string | null;
  /** Accept-Language tags, best first. */
  readonly languages: readonly string[];
  /** Concrete Accept media types, best first. */
  readonly accept: readonly string[];
  /** `Accept: application/linkset+json` ranked first. */
  readonly acceptsLinkset: boolean;
  /** The request's query string without `?` ('' when none): passed on when redirecting. */
  readonly query: string;
}

export type Resolution =
  | { readonly kind: 'badRequest'; readonly message: string }
  | { readonly kind: 'notFound'; readonly reason: 'unknownIdentifier' | 'noSuchLinkType'; readonly linkType?: string }
  | { readonly kind: 'gone'; readonly identifier: string; readonly reason: string | null }
  | { readonly kind: 'linkset'; readonly levels: readonly LinkLevel[]; readonly deprecatedAll: boolean }
  | { readonly kind: 'redirect'; readonly link: ResolvedLink; readonly location: string }
  | {
      readonly kind: 'walkUp';
      /** The requested identifier, unknown to the resolver. */
      readonly from: string;
      /** The less specific level whose link answers. */
      readonly to: string;
      readonly link: ResolvedLink;
      readonly location: string;
    }
  | { readonly kind: 'choices'; readonly links: readonly ResolvedLink[] };

/**
 * Decides the answer to one request. The cascade (GS1-Conformant Resolver 1.2): a withdrawn identifier is gone; a
 * linkset request gets every link from the requested level up to the primary key; a requested link type is matched
 * at the most specific level that has it (404 when none has), then narrowed by Accept-Language, `context` and Accept;
 * without a link type the default link type is narrowed the same way and one default link always answers. One
 * remaining target redirects (307), several give the choices (300). An unknown lot or serial walks up to the less
 * specific level.
 */
export function resolve(request: ResolutionRequest, entry: LinkEntry | null): Resolution {
  if (!request.target.ok) return { kind: 'badRequest', message: request.target.message };
  if (entry?.withdrawn) return { kind: 'gone', identifier: entry.withdrawn.identifier, reason: entry.withdrawn.reason };
  if (entry === null || entry.levels.length === 0) return { kind: 'notFound', reason: 'unknownIdentifier' };

  const requested = request.linkType?.trim() ?? '';
  if (requested === 'linkset' || requested === 'all' || (requested === '' && request.acceptsLinkset))
    return { kind: 'linkset', levels: entry.levels, deprecatedAll: requested === 'all' };

  let chosen: { link: ResolvedLink; level: string } | readonly ResolvedLink[];
  if (requested === '' || normaliseLinkType(requested) === DEFAULT_LINK) {
    chosen = defaultAnswer(request, entry.levels);
  } else {
    const linkType = normaliseLinkType(requested) ?? requested;
    const answer = typedAnswer(request, entry.levels, linkType === DEFAULT_LINK_MULTI ? DEFAULT_LINK : linkType);
    if (answer === undefined) return { kind: 'notFound', reason: 'noSuchLinkType', linkType: requested };
    chosen = answer;
  }
  if (Array.isArray(chosen)) return { kind: 'choices', links: chosen };
  const { link, level } = chosen as { link: ResolvedLink; level: string };
  const location = withQuery(link.href, request.query);
  if (!entry.requestedKnown) return { kind: 'walkUp', from: request.target.identifier, to: level, link, location };
  return { kind: 'redirect', link, location };
}

/** The default link of the most specific level with an explicit default; else the automatic one, narrowed. */
function defaultAnswer(
  request: ResolutionRequest,
  levels: readonly LinkLevel[],
): { link: ResolvedLink; level: string } {
  const found = findDefault(levels);
  if (found === undefined) {
    // Every existing level has at least one link; with no declared default the first link stands in (a level
    // always has a default: GS1-Conformant Resolver 1.2 "for any request URI there SHALL be a default link").
    const level = levels.find((l) => l.links.length > 0) ?? levels[0]!;
    return { link: level.links[0]!, level: level.identifier };
  }
  const { link, level } = found;
  const sameType = level.links.filter((l) => l.linkType === link.linkType);
  const narrowed = narrow(request, sameType);
  const pick = narrowed.includes(link) ? link : (narrowed[0] ?? link);
  return { link: pick, level: level.identifier };
}

/** The declared default of the most specific level, business links before automatic ones. */
export function findDefault(levels: readonly LinkLevel[]): { link: ResolvedLink; level: LinkLevel } | undefined {
  for (const automatic of [false, true]) {
    for (const level of levels) {
      const link = level.links.find((l) => l.isDefault && l.automatic === automatic);
      if (link) return { link, level };
    }
  }
  return undefined;
}

function typedAnswer(
  request: ResolutionRequest,
  levels: readonly LinkLevel[],
  linkType: string,
): { link: ResolvedLink; level: string } | readonly ResolvedLink[] | undefined {
  for (const level of levels) {
    const ofType =
      linkType === DEFAULT_LINK
        ? level.links.filter((l) => l.isDefault)
        : level.links.filter((l) => l.linkType === linkType);
    if (ofType.length === 0) continue;
    const narrowed = distinctTargets(narrow(request, ofType));
    if (narrowed.length === 1) return { link: narrowed[0]!, level: level.identifier };
    return narrowed;
  }
  return undefined;
}

/**
 * Narrows links by Accept-Language, then `context`, then Accept (GS1-Conformant Resolver 1.2 §"disambiguation").
 * A step that would leave nothing is skipped: the request then carries no better information for it.
 */
export function narrow(request: ResolutionRequest, links: readonly ResolvedLink[]): ResolvedLink[] {
  let current = [...links];
  current = byLanguage(current, request.languages);
  current = byContext(current, request.context);
  current = byMediaType(current, request.accept);
  return current;
}

function byLanguage(links: ResolvedLink[], languages: readonly string[]): ResolvedLink[] {
  if (links.length <= 1) return links;
  for (const tag of languages) {
    const exact = links.filter((l) => l.hreflang.some((h) => h.toLowerCase() === tag));
    if (exact.length > 0) return exact;
    const primary = tag.split('-')[0]!;
    const loose = links.filter((l) => l.hreflang.some((h) => h.toLowerCase().split('-')[0] === primary));
    if (loose.length > 0) return loose;
  }
  const neutral = links.filter((l) => l.hreflang.length === 0 || l.hreflang.includes('und'));
  return neutral.length > 0 ? neutral : links;
}

function byContext(links: ResolvedLink[], context: string | null): ResolvedLink[] {
  if (links.length <= 1) return links;
  if (context !== null && context !== '') {
    const matching = links.filter((l) => l.context.includes(context));
    if (matching.length > 0) return matching;
  }
  const general = links.filter((l) => l.context.length === 0 || l.context.includes('und'));
  return general.length > 0 ? general : links;
}

function byMediaType(links: ResolvedLink[], accept: readonly string[]): ResolvedLink[] {
  if (links.length <= 1) return links;
  for (const type of accept) {
    const matching = links.filter((l) => l.type !== null && l.type.split(';')[0]!.trim().toLowerCase() === type);
    if (matching.length > 0) return matching;
  }
  return links;
}

/** Links to the same target with the same metadata are one choice. */
function distinctTargets(links: readonly ResolvedLink[]): ResolvedLink[] {
  const seen = new Set<string>();
  return links.filter((l) => {
    const key = JSON.stringify([l.href, l.type, [...l.hreflang].sort(), [...l.context].sort()]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Passes the request's query string on to the target (GS1-Conformant Resolver 1.2: "SHALL pass on all key=value pairs"). */
export function withQuery(href: string, query: string): string {
  if (query === '') return href;
  const hash = href.indexOf('#');
  const base = hash >= 0 ? href.slice(0, hash) : href;
  const fragment = hash >= 0 ? href.slice(hash) : '';
  return `${base}${base.includes('?') ? '&' : '?'}${query}${fragment}`;
}

/** One link of an RFC 9264 linkset (target attributes of §4.2.4). */
export interface LinksetTarget {
  href: string;
  title: string;
  type?: string;
  hreflang?: string[];
  context?: string[];
}

/** An RFC 9264 `application/linkset+json` document. */
export interface LinksetDocument {
  linkset: ({ anchor: string; itemDescription?: string } & Record<string, LinksetTarget[] | string>)[];
}

/**
 * The linkset of an identifier (RFC 9264 §4.2; GS1-Conformant Resolver 1.2 §"linksets"): one context object per
 * level from the requested one up to the primary key, anchored at the uncompressed URI on this resolver, link types
 * as full GS1 Web Vocabulary URIs. The default link also appears as `gs1:defaultLink` with no optional attributes,
 * and its language or context variants as `gs1:defaultLinkMulti`.
 */
export function linksetDocument(levels: readonly LinkLevel[], resolverRoot: string): LinksetDocument {
  const found = findDefault(levels);
  return {
    linkset: levels
      .filter((level) => level.links.length > 0)
      .map((level) => {
        const context: { anchor: string; itemDescription?: string } & Record<string, LinksetTarget[] | string> = {
          anchor: `${resolverRoot}${level.identifier}`,
        };
        if (level.description !== null) context.itemDescription = level.description;
        for (const link of level.links) {
          const key = linkTypeUri(link.linkType);
          const list = (context[key] as LinksetTarget[] | undefined) ?? [];
          const target = linksetTarget(link);
          if (!list.some((t) => JSON.stringify(t) === JSON.stringify(target))) list.push(target);
          context[key] = list;
        }
        if (found && found.level === level) {
          context[linkTypeUri(DEFAULT_LINK)] = [{ href: found.link.href, title: found.link.title }];
          const variants = level.links.filter(
            (l) => l.linkType === found.link.linkType && (l.hreflang.length > 0 || l.context.length > 0),
          );
          if (variants.length > 1) context[linkTypeUri(DEFAULT_LINK_MULTI)] = variants.map(linksetTarget);
        }
        return context;
      }),
  };
}

function linksetTarget(link: ResolvedLink): LinksetTarget {
  return {
    href: link.href,
    title: link.title,
    ...(link.type !== null ? { type: link.type } : {}),
    ...(link.hreflang.length > 0 ? { hreflang: [...link.hreflang] } : {}),
    ...(link.context.length > 0 ? { context: [...link.context] } : {}),
  };
}

/** The RFC 8288 `Link` header value listing links (used for the 300 answer and the linkset pointer). */
export function linkHeaderOf(links: readonly ResolvedLink[]): string {
  return links
    .map((l) => {
      const attrs = [`rel="${linkTypeUri(l.linkType)}"`, titleParameter(l.title)];
      if (l.type !== null) attrs.push(`type="${quoted(l.type)}"`);
      for (const lang of l.hreflang) attrs.push(`hreflang="${quoted(lang)}"`);
      return `<${encodeTarget(l.href)}>; ${attrs.join('; ')}`;
    })
    .join(', ');
}

/** RFC 8288 §3: a title beyond ASCII travels as `title*` in UTF-8 (RFC 8187). */
function titleParameter(title: string): string {
  return /^[\x20-\x7e]*$/.test(title) ? `title="${quoted(title)}"` : `title*=UTF-8''${encodeURIComponent(title)}`;
}

function quoted(text: string): string {
  return text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ');
}

/** A header value is Latin-1: non-ASCII characters of a target are percent-encoded, `<>` never pass. */
function encodeTarget(href: string): string {
  return encodeURI(decodeSafe(href)).replace(/[<>]/g, encodeURIComponent);
}

function decodeSafe(href: string): string {
  try {
    return decodeURI(href);
  } catch {
    return href;
  }
}
