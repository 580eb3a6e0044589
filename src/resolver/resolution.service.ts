import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { DB } from '../db/schema.ts';
import { asSystem } from '../db/scope.ts';
import {
  canonicalDigitalLink,
  decompressDigitalLink,
  escapeDlPathValue,
  Gs1Error,
  parseDigitalLink,
  type AiElement,
} from '../identifiers/index.ts';
import { findStamp, type StampRecord } from '../labels/index.ts';
import { t, type Locale } from '../shared/messages.ts';
import { recallStatusOfLots } from '../trace/index.ts';
import {
  linksetDocument,
  resolve,
  type LinkEntry,
  type LinkLevel,
  type LinksetDocument,
  type ResolvedLink,
  type Resolution,
} from './decision.ts';
import * as repo from './resolver.repository.ts';

/**
 * Resolution of GS1 Digital Link requests: parse the request path (plain or compressed) with the identifiers
 * capability, gather the links of every level from the requested identifier up to its primary key (the business's
 * active links plus the automatic links computed from the registry), and let the pure decision choose the answer.
 */

/** A request path parsed as a GS1 Digital Link. */
export type ParsedTarget =
  | {
      readonly ok: true;
      /** Canonical path of the requested level, e.g. `/01/0893…/10/LOT1`. */
      readonly identifier: string;
      readonly primaryKey: AiElement;
      readonly qualifiers: readonly AiElement[];
      /** Non-AI query parameters (`linkType`, `context`, …), from the query string or the compressed data. */
      readonly params: ReadonlyMap<string, string>;
      /** The uncompressed URI on this resolver when the request was compressed. */
      readonly uncompressed: string | null;
    }
  | { readonly ok: false; readonly message: string };

/** Canonical path of a primary key and qualifiers (the identifier of a level). */
export function identifierPath(elements: readonly AiElement[]): string {
  return elements.map((e) => `/${e.ai}/${escapeDlPathValue(e.value)}`).join('');
}

/** Every level from the most specific (the whole path) up to the primary key alone. */
export function levelChain(primaryKey: AiElement, qualifiers: readonly AiElement[]): string[] {
  const chain: string[] = [];
  for (let n = qualifiers.length; n >= 0; n--) chain.push(identifierPath([primaryKey, ...qualifiers.slice(0, n)]));
  return chain;
}

/**
 * Parses a request path and query string (GS1 Digital Link URI Syntax 1.4; GS1 Digital Link: Compression): a
 * trailing slash is tolerated; a path of one segment, or a primary key followed by one segment, is decompressed.
 */
export function parseRequestPath(path: string, query: string, resolverRoot: string): ParsedTarget {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const uri = `${resolverRoot}${trimmed}${query === '' ? '' : `?${query}`}`;
  try {
    let source = uri;
    let uncompressed: string | null = null;
    const segments = trimmed.split('/').filter((s) => s !== '');
    if (segments.length === 1 || segments.length === 3) {
      uncompressed = decompressDigitalLink(uri);
      source = uncompressed;
    }
    const dl = parseDigitalLink(source);
    // The canonical form validates the whole (keys, check digits, associations) the same way everywhere.
    canonicalDigitalLink(dl.elements);
    return {
      ok: true,
      identifier: identifierPath([dl.primaryKey, ...dl.qualifiers]),
      primaryKey: dl.primaryKey,
      qualifiers: dl.qualifiers,
      params: new Map(dl.otherParams),
      uncompressed,
    };
  } catch (e) {
    if (e instanceof Gs1Error) return { ok: false, message: e.message };
    throw e;
  }
}

/** What a request brings to the decision besides its path. */
export interface RequestPreferences {
  readonly languages: readonly string[];
  readonly accept: readonly string[];
  readonly acceptsLinkset: boolean;
  readonly query: string;
  readonly locale: Locale;
}

export interface ResolutionResult {
  readonly resolution: Resolution;
  readonly target: ParsedTarget;
  /** Every level with its links (empty when the identifier is unknown). */
  readonly levels: readonly LinkLevel[];
  /** The product scanned, when the primary key is a registered GTIN: what the scan log records. */
  readonly scanned: { gtin: string; lot?: string; serial?: string; stampId: string | null } | null;
}

/** Resolves one request (GS1-Conformant Resolver 1.2): parse, gather the levels, decide. */
export async function resolveDigitalLink(
  db: Kysely<DB>,
  config: Pick<Config, 'publicUrl'>,
  path: string,
  prefs: RequestPreferences,
): Promise<ResolutionResult> {
  const target = parseRequestPath(path, prefs.query, config.publicUrl);
  const gathered = target.ok ? await gatherLevels(db, config.publicUrl, target, prefs.locale) : null;
  const resolution = resolve(
    {
      target: target.ok ? { ok: true, identifier: target.identifier } : { ok: false, message: target.message },
      linkType: target.ok ? (target.params.get('linkType') ?? null) : null,
      context: target.ok ? (target.params.get('context') ?? null) : null,
      languages: prefs.languages,
      accept: prefs.accept,
      acceptsLinkset: prefs.acceptsLinkset,
      query: prefs.query,
    },
    gathered?.entry ?? null,
  );
  return { resolution, target, levels: gathered?.entry?.levels ?? [], scanned: gathered?.scanned ?? null };
}

/** The linkset document of a linkset answer, anchored on this resolver. */
export function linksetOf(resolution: Extract<Resolution, { kind: 'linkset' }>, resolverRoot: string): LinksetDocument {
  return linksetDocument(resolution.levels, resolverRoot);
}

interface Gathered {
  readonly entry: LinkEntry | null;
  readonly scanned: ResolutionResult['scanned'];
}

type Target = Extract<ParsedTarget, { ok: true }>;

async function gatherLevels(db: Kysely<DB>, root: string, target: Target, locale: Locale): Promise<Gathered> {
  const chain = levelChain(target.primaryKey, target.qualifiers);
  // One round of queries: the key's links, withdrawals and product (cached briefly), and for a GTIN the stamp, lot
  // and recall facts of the request.
  const [{ links, withdrawals, product }, gtinFacts] = await Promise.all([
    keyData(db, target.primaryKey),
    target.primaryKey.ai === '01' ? factsOfGtin(db, target) : Promise.resolve(null),
  ]);
  const explicit = new Map<string, ResolvedLink[]>();
  for (const row of links) {
    if (!chain.includes(row.identifier)) continue;
    const list = explicit.get(row.identifier) ?? [];
    list.push({
      linkType: row.link_type,
      href: row.href,
      title: row.title,
      hreflang: row.hreflang,
      context: row.context,
      type: row.media_type,
      isDefault: row.is_default,
      automatic: false,
    });
    explicit.set(row.identifier, list);
  }
  // The most specific withdrawn level decides; a withdrawn product (registry) is withdrawn at its key.
  let withdrawn: LinkEntry['withdrawn'] = null;
  for (const id of [...chain].reverse()) {
    const w = withdrawals.find((x) => x.identifier === id);
    if (w) {
      withdrawn = { identifier: id, reason: w.reason };
      break;
    }
  }

  if (gtinFacts !== null)
    return gatherGtin({ ...gtinFacts, product }, root, target, chain, explicit, withdrawn, locale);

  // Other primary keys: only the business's links; a GLN of a registered location exists even without links.
  const levels = chain
    .filter((id) => (explicit.get(id)?.length ?? 0) > 0)
    .map((id) => ({ identifier: id, description: null, links: explicit.get(id)! }));
  if (levels.length === 0) return { entry: null, scanned: null };
  let description: string | null = null;
  if (target.primaryKey.ai === '414')
    description = (await repo.locationFacts(db, target.primaryKey.value))?.name ?? null;
  const withDescription = levels.map((l) => (l.identifier === chain.at(-1) ? { ...l, description } : l));
  return {
    entry: { levels: withDescription, requestedKnown: levels[0]!.identifier === chain[0], withdrawn },
    scanned: null,
  };
}

interface GtinFacts {
  readonly product: repo.ProductFacts | undefined;
  readonly stamp: StampRecord | undefined;
  readonly lotKnown: boolean;
  readonly serialKnown: boolean;
  readonly recalled: boolean;
}

/**
 * What the resolver reads per primary key (its links, withdrawals and registered product), kept for one second: a
 * popular product's codes are scanned many times a second. Writes through this process's link API forget the key at
 * once; other instances and registry changes are seen within the second.
 */
const KEY_TTL_MS = 1000;
const KEY_CACHE_SIZE = 10_000;
type KeyData = {
  links: Awaited<ReturnType<typeof repo.linksOfKey>>;
  withdrawals: Awaited<ReturnType<typeof repo.withdrawalsOfKey>>;
  product: repo.ProductFacts | undefined;
};
type KeyCache = Map<string, { at: number; data: Promise<KeyData> }>;
const keyCaches = new WeakMap<Kysely<DB>, KeyCache>();

function keyData(db: Kysely<DB>, key: AiElement): Promise<KeyData> {
  let cache = keyCaches.get(db);
  if (cache === undefined) {
    cache = new Map() as KeyCache;
    keyCaches.set(db, cache);
  }
  const path = identifierPath([key]);
  const now = Date.now();
  const hit = cache.get(path);
  if (hit !== undefined && now - hit.at < KEY_TTL_MS) return hit.data;
  const data = Promise.all([
    repo.linksOfKey(db, key.ai, key.value, true),
    repo.withdrawalsOfKey(db, path),
    key.ai === '01' ? repo.productFacts(db, key.value) : Promise.resolve(undefined),
  ]).then(([links, withdrawals, product]) => ({ links, withdrawals, product }));
  cache.delete(path);
  if (cache.size >= KEY_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(path, { at: now, data });
  data.catch(() => cache.delete(path));
  return data;
}

/** Forgets what is cached for a primary key (after its links or withdrawals changed). */
export function forgetKey(db: Kysely<DB>, key: AiElement): void {
  keyCaches.get(db)?.delete(identifierPath([key]));
}

async function factsOfGtin(db: Kysely<DB>, target: Target): Promise<Omit<GtinFacts, 'product'>> {
  const gtin = target.primaryKey.value;
  const lot = target.qualifiers.find((q) => q.ai === '10')?.value;
  const serial = target.qualifiers.find((q) => q.ai === '21')?.value;
  const [stamp, lotKnown, recalls] = await Promise.all([
    serial !== undefined ? findStamp(db, gtin, serial) : Promise.resolve(undefined),
    // Public resolution: whether any organisation's events mention the lot or item (a yes/no, nothing of the events).
    lot !== undefined ? asSystem(() => repo.lotInEvents(db, gtin, lot)) : Promise.resolve(false),
    lot !== undefined ? recallStatusOfLots(db, [{ gtin, lot }]) : Promise.resolve([]),
  ]);
  const serialKnown =
    serial !== undefined &&
    (stamp !== undefined ||
      (await asSystem(() => repo.itemInEvents(db, `https://id.gs1.org/01/${gtin}/21/${escapeDlPathValue(serial)}`))));
  return { stamp, lotKnown, serialKnown, recalled: recalls.length > 0 };
}

function gatherGtin(
  facts: GtinFacts,
  root: string,
  target: Target,
  chain: readonly string[],
  explicit: ReadonlyMap<string, ResolvedLink[]>,
  withdrawnLevel: LinkEntry['withdrawn'],
  locale: Locale,
): Gathered {
  const gtin = target.primaryKey.value;
  const lot = target.qualifiers.find((q) => q.ai === '10')?.value;
  const serial = target.qualifiers.find((q) => q.ai === '21')?.value;
  const { product, stamp, lotKnown, serialKnown } = facts;
  const registered = product !== undefined && product.organisationStatus === 'active';
  let withdrawn = withdrawnLevel;
  if (product !== undefined && product.status === 'archived')
    withdrawn ??= { identifier: chain.at(-1)!, reason: 'withdrawn from the registry' };

  const productLevel = chain.at(-1)!;
  const exists = (id: string): boolean => {
    if ((explicit.get(id)?.length ?? 0) > 0) return true;
    if (!registered) return false;
    if (id === productLevel) return true;
    const elements = target.qualifiers.slice(0, chain.length - 1 - chain.indexOf(id));
    const last = elements.at(-1);
    if (last?.ai === '21')
      return serialKnown && (lot === undefined || stamp === undefined || stamp.lot === null || stamp.lot === lot);
    if (last?.ai === '10') return lotKnown || stamp?.lot === lot;
    return false;
  };

  const levels: LinkLevel[] = [];
  for (const id of chain) {
    if (!exists(id)) continue;
    const own = [...(explicit.get(id) ?? [])];
    // A type the business published at this level replaces the automatic links of that type.
    const published = new Set(own.map((l) => l.linkType));
    if (registered)
      own.push(
        ...automaticLinks(root, id, productLevel, target, product, locale, facts.recalled).filter(
          (l) => !published.has(l.linkType),
        ),
      );
    levels.push({
      identifier: id,
      description: id === productLevel ? (product ? describe(product, locale) : null) : null,
      links: own,
    });
  }
  const scanned = product
    ? {
        gtin,
        ...(lot !== undefined ? { lot } : stamp?.lot ? { lot: stamp.lot } : {}),
        ...(serial !== undefined ? { serial } : {}),
        stampId: stamp?.id ?? null,
      }
    : null;
  if (levels.length === 0)
    return { entry: withdrawn ? { levels: [], requestedKnown: false, withdrawn } : null, scanned };
  return { entry: { levels, requestedKnown: levels[0]!.identifier === chain[0], withdrawn }, scanned };
}

function describe(product: repo.ProductFacts, locale: Locale): string {
  return locale === 'en' && product.nameEn ? product.nameEn : product.name;
}

/**
 * The links every registered product has without anyone entering them (computed from the registry, never stored):
 * at the product level the consumer page (`gs1:defaultLink` and `gs1:pip`; one page serves every level, so its target
 * carries the requested lot and serial), the product's certifications when it has some; at every level the EPCIS
 * query for that class, lot or item; at a recalled lot's level the recall notice.
 */
function automaticLinks(
  root: string,
  level: string,
  productLevel: string,
  target: Target,
  product: repo.ProductFacts | undefined,
  locale: Locale,
  recalled: boolean,
): ResolvedLink[] {
  const gtin = target.primaryKey.value;
  const lot = target.qualifiers.find((q) => q.ai === '10')?.value;
  const serial = target.qualifiers.find((q) => q.ai === '21')?.value;
  const base = { hreflang: [] as string[], context: [] as string[], isDefault: false, automatic: true };
  const out: ResolvedLink[] = [];
  const levelElements = level.split('/').filter((s) => s !== '');
  const levelLot = levelElements.includes('10') ? lot : undefined;
  const levelSerial = levelElements.includes('21') ? serial : undefined;
  if (level === productLevel) {
    const page =
      `${root}/p/01/${gtin}` +
      (lot !== undefined ? `/10/${escapeDlPathValue(lot)}` : '') +
      (serial !== undefined ? `/21/${escapeDlPathValue(serial)}` : '');
    const title = t(locale, 'resolver.link.consumerPage');
    out.push({
      ...base,
      linkType: 'gs1:pip',
      href: page,
      title,
      type: 'text/html',
      hreflang: ['vi', 'en'],
      isDefault: true,
    });
    if (product && product.certifications > 0)
      out.push({
        ...base,
        linkType: 'gs1:certificationInfo',
        href: `${root}/api/public/products/${gtin}`,
        title: t(locale, 'resolver.link.certification'),
        type: 'application/json',
      });
  }
  const epcQuery =
    levelSerial !== undefined
      ? `MATCH_anyEPC=${encodeURIComponent(`https://id.gs1.org/01/${gtin}/21/${escapeDlPathValue(levelSerial)}`)}`
      : levelLot !== undefined
        ? `MATCH_anyEPCClass=${encodeURIComponent(`https://id.gs1.org/01/${gtin}/10/${escapeDlPathValue(levelLot)}`)}`
        : `MATCH_anyEPCClass=${encodeURIComponent(`https://id.gs1.org/01/${gtin}/10/*`)}`;
  out.push({
    ...base,
    linkType: 'gs1:epcis',
    href: `${root}/epcis/events?${epcQuery}`,
    title: t(locale, 'resolver.link.epcis'),
    type: 'application/ld+json',
  });
  if (recalled && levelLot !== undefined && levelSerial === undefined)
    out.push({
      ...base,
      linkType: 'gs1:recallStatus',
      href: `${root}/p/01/${gtin}/10/${escapeDlPathValue(levelLot)}`,
      title: t(locale, 'resolver.link.recall'),
      type: 'text/html',
      hreflang: ['vi', 'en'],
    });
  return out;
}

export type { StampRecord };
