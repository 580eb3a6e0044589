import { createHmac, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { asSystem } from '../db/scope.ts';
import type { EpcisEvent } from '../epcis/index.ts';
import { queryEvents } from '../epcis/query.service.ts';
import { escapeDlPathValue, Gs1Error, parseDigitalLink } from '../identifiers/index.ts';
import { findStamp } from '../labels/index.ts';
import { notify } from '../notifications/index.ts';
import { getPublicProduct, type PublicProduct } from '../registry/product.service.ts';
import { verifyScan, type StampVerdict } from '../resolver/index.ts';
import {
  callerOrganisation,
  requireAuthenticated,
  requirePermission,
  seesEverything,
  SYSTEM,
  type Caller,
} from '../shared/caller.ts';
import { AppError, isAppError, notFound } from '../shared/errors.ts';
import type { Locale } from '../shared/messages.ts';
import { escapeLike, foldForSearch } from '../shared/text.ts';
import { listPublishedStandards, standardForProduct } from '../standards/index.ts';
import type { BasedOn, LocalText, StandardProfile } from '../standards/profile.ts';
import { getStandard } from '../standards/standards.service.ts';
import { recallStatusOfLots, type LotRecallStatus } from '../trace/index.ts';
import { glnOf } from '../trace/fsma-sheet.ts';
import { parseTraceIdentifier, traceBackward, type TraceResult } from '../trace/trace.service.ts';
import { TtlCache } from './cache.ts';
import { stepMessageKey } from './format.ts';
import * as repo from './portal.repository.ts';
import { DEFAULT_PUBLIC_FIELDS, kdeLabels, publicEvent, type PublicFact } from './public-fields.ts';

/**
 * The public pages' data: the consumer page of a scanned code (product, producer, origin, the lot's public story,
 * standard, stamp verdict, recall), problem reports, and the province portal (search, business profiles, published
 * standards). Everything here is public: it reads with the system's eyes and then keeps only what is public.
 */

/** What a consumer scanned: a GTIN (14 digits), optionally a lot and a serial. */
export interface ConsumerKey {
  readonly gtin: string;
  readonly lot: string | null;
  readonly serial: string | null;
}

/**
 * Reads the Digital Link path of a consumer page (`/01/{gtin}[/22/{cpv}][/10/{lot}][/21/{serial}]`, GS1 Digital
 * Link URI Syntax 1.4), validating every AI value. Throws `validation` for anything else.
 */
export function parseConsumerPath(path: string): ConsumerKey {
  let link;
  try {
    link = parseDigitalLink(`https://id.gs1.org${path}`, { permitZeroSuppressedGtin: true });
  } catch (e) {
    if (e instanceof Gs1Error) throw new AppError('validation', `Not a GS1 Digital Link path: ${e.message}`);
    throw e;
  }
  if (link.primaryKey.ai !== '01') throw new AppError('validation', 'The consumer page is for a GTIN (AI 01)');
  const qualifier = (ai: string) => link.qualifiers.find((q) => q.ai === ai)?.value ?? null;
  return { gtin: link.primaryKey.value, lot: qualifier('10'), serial: qualifier('21') };
}

/** The consumer page's path for a key (what the resolver's default link points at). */
export function consumerPath(key: ConsumerKey): string {
  const enc = escapeDlPathValue;
  return (
    `/p/01/${key.gtin}` +
    (key.lot !== null ? `/10/${enc(key.lot)}` : '') +
    (key.serial !== null ? `/21/${enc(key.serial)}` : '')
  );
}

export interface PlaceView {
  readonly gln: string;
  readonly name: string;
  readonly nameEn: string | null;
  readonly kind: string;
  readonly latitude: number | null;
  readonly longitude: number | null;
  readonly growingAreaCode: string | null;
  readonly packingHouseCode: string | null;
  readonly communeName: string | null;
  /** A farm, growing area, pond or vessel: where the product comes from. */
  readonly origin: boolean;
}

export interface StoryEvent {
  readonly time: string | null;
  readonly stepKey: string;
  readonly place: { name: string; nameEn: string | null } | null;
  readonly organisation: { name: string; nameEn: string | null } | null;
  readonly facts: readonly PublicFact[];
}

export interface StandardApplied {
  readonly standardId: string;
  readonly profileId: string;
  readonly version: number;
  readonly title: LocalText;
  readonly basedOn: readonly BasedOn[];
}

/** What the consumer page shows that does not change from one scan to the next (cached briefly). */
export interface ProductStory {
  readonly productId: string;
  readonly product: PublicProduct;
  readonly group: { name: string; nameEn: string } | null;
  readonly standard: StandardApplied | null;
  /** Null for a product scanned without a lot. */
  readonly story: readonly StoryEvent[] | null;
  /** Public events older than the ones shown. */
  readonly earlierEvents: number;
  readonly places: readonly PlaceView[];
  /** When the scanned lot was first recorded (ISO date-time), and the use-by date from the shelf life. */
  readonly productionTime: string | null;
  readonly expiryDate: string | null;
  /** The lot the code leads to: from the code, or from the stamp a serial was activated for. */
  readonly lot: string | null;
}

export interface ConsumerPage extends ProductStory {
  readonly key: ConsumerKey;
  readonly verdict: StampVerdict;
  readonly recalls: readonly LotRecallStatus[];
}

const ORIGIN_KINDS = new Set(['farm', 'growing_area', 'pond', 'vessel']);
/** The newest events of a story that the page shows; older ones are counted. */
export const MAX_STORY_EVENTS = 40;
const STORY_TTL_MS = 30_000;
const storyCache = new TtlCache<ProductStory>(STORY_TTL_MS, 2_000, Date.now, STORY_TTL_MS);

/** Forgets cached stories (tests, and after a bulk change). */
export function clearPortalCache(): void {
  storyCache.clear();
}

/**
 * The consumer page of a scanned code: the product story (cached for 30 s, then answered for up to 30 s more while
 * one reload runs, so scans never queue behind it), then the stamp verdict and the recall status, which are read
 * fresh on every scan. Unknown or withdrawn GTIN → `not_found`.
 */
export async function consumerPage(db: Kysely<DB>, key: ConsumerKey): Promise<ConsumerPage> {
  // The stamp is read once: it names the lot of a serial-only scan and feeds the verdict.
  const stamp = key.serial === null ? null : ((await findStamp(db, key.gtin.padStart(14, '0'), key.serial)) ?? null);
  const lot = key.lot ?? stamp?.lot ?? null;
  // The story is the public projection of the lot's trace through every organisation that handled it: it reads
  // their events past row-level security on purpose and keeps only what a consumer may see.
  const story = await storyCache.get(`${key.gtin}\u0000${lot ?? ''}`, () =>
    asSystem(() => loadStory(db, key.gtin, lot)),
  );
  const [verdict, recalls] = await Promise.all([
    key.serial === null
      ? Promise.resolve<StampVerdict>({ kind: 'noSerial' })
      : verifyScan(
          db,
          { gtin: key.gtin, serial: key.serial, ...(key.lot !== null ? { lot: key.lot } : {}) },
          new Date(),
          stamp,
        ),
    lot === null ? Promise.resolve([]) : recallStatusOfLots(db, [{ gtin: key.gtin, lot }]),
  ]);
  return { ...story, key, verdict, recalls };
}

async function loadStory(db: Kysely<DB>, gtin: string, lot: string | null): Promise<ProductStory> {
  const product = await getPublicProduct(db, gtin);
  const row = await repo.activeProductByGtin(db, product.gtin);
  if (!row) throw notFound('Product');
  const [bound, groups] = await Promise.all([
    standardForProduct(db, row.id),
    repo.productGroupNames(db, [product.groupCode]),
  ]);
  const profile = bound?.profile;
  const standard: StandardApplied | null =
    bound && profile
      ? {
          standardId: bound.standardId,
          profileId: profile.id,
          version: bound.version,
          title: profile.title,
          basedOn: profile.basedOn,
        }
      : null;
  const base = {
    productId: row.id,
    product,
    group: groups.get(product.groupCode) ?? null,
    standard,
    lot,
  };
  if (lot === null) {
    return { ...base, story: null, earlierEvents: 0, places: [], productionTime: null, expiryDate: null };
  }
  const lotId = parseTraceIdentifier({ gtin: product.gtin, lot });
  let trace: TraceResult | null = null;
  try {
    trace = await traceBackward(db, SYSTEM, lotId, { maxDepth: 20 });
  } catch (e) {
    if (!(isAppError(e) && e.code === 'not_found')) throw e;
  }
  const publicFields = profile?.publicFields ?? DEFAULT_PUBLIC_FIELDS;
  const story = trace ? await publicStory(db, trace, publicFields, profile) : emptyStory;
  const rootEvents = trace?.nodes.find((n) => n.key === lotId)?.events ?? [];
  const productionTime = rootEvents.length > 0 ? rootEvents.map((e) => e.eventTime).sort()[0]! : null;
  let expiryDate: string | null = null;
  if (productionTime !== null && product.shelfLifeDays !== null) {
    const expiry = new Date(Date.parse(productionTime) + product.shelfLifeDays * 86_400_000);
    expiryDate = expiry.toISOString();
  }
  return { ...base, ...story, productionTime, expiryDate };
}

const emptyStory = { story: [] as StoryEvent[], earlierEvents: 0, places: [] as PlaceView[] };

/** The trace's events, read in full, each reduced to the fields the standard marks public. */
async function publicStory(
  db: Kysely<DB>,
  trace: TraceResult,
  publicFields: readonly string[],
  profile: StandardProfile | undefined,
): Promise<{ story: StoryEvent[]; earlierEvents: number; places: PlaceView[] }> {
  const byId = new Map<string, { eventTime: string; organisationId: string }>();
  for (const node of trace.nodes) for (const e of node.events ?? []) byId.set(e.eventID, e);
  const newest = [...byId.entries()]
    .sort(([, a], [, b]) => Date.parse(a.eventTime) - Date.parse(b.eventTime))
    .map(([id]) => id);
  const shownIds = newest.slice(-MAX_STORY_EVENTS);
  const page = await queryEvents(db, SYSTEM, { EQ_eventID: shownIds }, { perPage: MAX_STORY_EVENTS });
  const events = page.events
    .map((s) => s.document as unknown as EpcisEvent)
    .sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));

  const glnOfId = new Map<string, string>();
  for (const e of events)
    for (const id of [e.bizLocation?.id, e.readPoint?.id]) {
      const gln = id ? glnOf(id) : null;
      if (id && gln) glnOfId.set(id, gln);
    }
  const places = await repo.placesByGln(db, [...glnOfId.values()]);
  const locations: Record<string, Record<string, unknown>> = {};
  for (const [id, gln] of glnOfId) {
    const p = places.get(gln);
    if (p)
      locations[id] = {
        ...(p.growing_area_code ? { growingAreaCode: p.growing_area_code } : {}),
        ...(p.packing_house_code ? { packingHouseCode: p.packing_house_code } : {}),
      };
  }
  const labels = profile ? kdeLabels(profile) : new Map<string, LocalText>();
  const owners = await repo.organisationNames(
    db,
    shownIds.map((id) => byId.get(id)!.organisationId),
  );
  const productNames = new Map(
    trace.nodes.filter((n) => n.identifier && n.productName).map((n) => [n.identifier!, n.productName!]),
  );

  const story: StoryEvent[] = [];
  const seenPlaces: string[] = [];
  for (const event of events) {
    const view = publicEvent(event, publicFields, labels, { locations });
    const gln = view.place ? glnOfId.get(view.place) : undefined;
    const place = gln ? places.get(gln) : undefined;
    if (gln && place && !seenPlaces.includes(gln)) seenPlaces.push(gln);
    const owner = byId.get(event.eventID ?? '')?.organisationId;
    story.push({
      time: view.eventTime,
      stepKey: view.bizStep !== null ? stepMessageKey(view.bizStep, event.type) : stepMessageKey(null, event.type),
      place: place ? { name: place.name, nameEn: place.name_en } : null,
      organisation: owner ? (owners.get(owner) ?? null) : null,
      // Products and lots are named; an identifier outside this product's trace (another product handled in the same
      // event) is not part of this story and is left out rather than shown as a raw URI.
      facts: view.facts
        .map((f) =>
          f.path.endsWith('epcClass')
            ? { ...f, values: [...new Set(f.values.flatMap((v) => productNames.get(v) ?? []))] }
            : f,
        )
        .filter((f) => f.values.length > 0),
    });
  }
  const placeViews = seenPlaces.map((gln): PlaceView => {
    const p = places.get(gln)!;
    return {
      gln,
      name: p.name,
      nameEn: p.name_en,
      kind: p.kind,
      latitude: p.latitude,
      longitude: p.longitude,
      growingAreaCode: p.growing_area_code,
      packingHouseCode: p.packing_house_code,
      communeName: p.commune_name,
      origin: ORIGIN_KINDS.has(p.kind) || p.growing_area_code !== null,
    };
  });
  placeViews.sort((a, b) => Number(b.origin) - Number(a.origin));
  return { story, earlierEvents: newest.length - shownIds.length, places: placeViews };
}

// ————— problem reports —————

export const REPORT_MESSAGE_MIN = 5;
export const REPORT_MESSAGE_MAX = 2000;
export const REPORT_CONTACT_MAX = 200;
/** Reports one address may send per hour. */
export const REPORT_RATE_LIMIT = 5;
const REPORT_WINDOW_MS = 3_600_000;

export interface ProblemReportInput {
  readonly message: string;
  readonly contact: string;
  /** The honeypot field: people leave it empty, form-filling robots do not. */
  readonly website: string;
  readonly locale: Locale;
  readonly ip: string;
}

const secrets = new WeakMap<Kysely<DB>, Promise<Buffer>>();

/**
 * HMAC-SHA256 of the sender's address under the installation's secret: enough to rate-limit, while the stored value
 * cannot be turned back into the address by trying all IPv4 addresses.
 */
async function addressHash(db: Kysely<DB>, ip: string): Promise<string> {
  let secret = secrets.get(db);
  if (secret === undefined) {
    secret = repo.portalSecret(db);
    secrets.set(db, secret);
    secret.catch(() => secrets.delete(db));
  }
  return createHmac('sha256', await secret)
    .update(ip)
    .digest('base64url')
    .slice(0, 32);
}

/**
 * Stores a consumer's problem report and notifies the brand owner and the province, in one transaction. A filled
 * honeypot is answered as if sent but nothing is stored. More than five reports an hour from one address →
 * `rate_limited`.
 */
export async function reportProblem(
  db: Kysely<DB>,
  key: ConsumerKey,
  input: ProblemReportInput,
): Promise<{ stored: boolean }> {
  const message = input.message.replace(/\r\n?/g, '\n').trim();
  const contact = input.contact.trim();
  const fields = [];
  if ([...message].length < REPORT_MESSAGE_MIN || [...message].length > REPORT_MESSAGE_MAX)
    fields.push({ field: 'message', message: 'length out of bounds', messageKey: 'portal.report.invalid' });
  if ([...contact].length > REPORT_CONTACT_MAX)
    fields.push({ field: 'contact', message: 'too long', messageKey: 'portal.report.contactLong' });
  if (fields.length > 0) throw new AppError('validation', 'The report is not valid', { fields });
  const product = await repo.activeProductByGtin(db, key.gtin);
  if (!product) throw notFound('Product');
  if (input.website.trim() !== '') return { stored: false };
  const ipHash = await addressHash(db, input.ip);
  // As the system: the consumer is anonymous, the rate limit counts the address's reports to every brand, and the
  // report is addressed to the brand owner (row-level security admits no anonymous insert).
  await asSystem(() =>
    db.transaction().execute(async (trx) => {
      await repo.lockAddress(trx, ipHash);
      const recent = await repo.countReportsFrom(trx, ipHash, new Date(Date.now() - REPORT_WINDOW_MS));
      if (recent >= REPORT_RATE_LIMIT)
        throw new AppError('rate_limited', 'Too many problem reports from this address', {
          details: { retryAfter: 3600 },
        });
      const id = randomUUID();
      await repo.insertProblemReport(trx, {
        id,
        organisation_id: product.organisation_id,
        product_id: product.id,
        gtin: key.gtin,
        lot: key.lot,
        serial: key.serial,
        message,
        contact: contact === '' ? null : contact,
        locale: input.locale,
        ip_hash: ipHash,
      });
      const notification = {
        kind: 'problem.reported',
        titleKey: 'portal.report.notification',
        params: { product: product.name },
        link: consumerPath(key),
        payload: { problemReportId: id, gtin: key.gtin, lot: key.lot, serial: key.serial },
      };
      await notify(trx, { ...notification, organisationId: product.organisation_id });
      await notify(trx, { ...notification, organisationId: null });
    }),
  );
  return { stored: true };
}

export interface ProblemReportView {
  readonly id: string;
  readonly organisationId: string;
  readonly productId: string;
  readonly productName: string;
  readonly gtin: string;
  readonly lot: string | null;
  readonly serial: string | null;
  readonly message: string;
  readonly contact: string | null;
  readonly locale: string;
  readonly createdAt: Date;
}

/** Problem reports: the brand owner sees its products' reports, the province every report. */
export async function listProblemReports(
  db: Kysely<DB>,
  caller: Caller,
  page: { limit: number; offset: number },
): Promise<{ items: ProblemReportView[]; total: number }> {
  requireAuthenticated(caller);
  requirePermission(caller, 'registry:read');
  const organisationId = seesEverything(caller) ? undefined : callerOrganisation(caller);
  if (!seesEverything(caller) && organisationId === undefined)
    throw new AppError('forbidden', 'Problem reports belong to an organisation');
  const result = await repo.listProblemReports(db, { ...page, ...(organisationId ? { organisationId } : {}) });
  return {
    total: result.total,
    items: result.items.map((r) => ({
      id: r.id,
      organisationId: r.organisation_id,
      productId: r.product_id,
      productName: r.product_name,
      gtin: r.gtin,
      lot: r.lot,
      serial: r.serial,
      message: r.message,
      contact: r.contact,
      locale: r.locale,
      createdAt: r.created_at,
    })),
  };
}

// ————— province portal —————

export interface PortalHome {
  readonly counts: { products: number; organisations: number; standards: number };
  readonly query: string;
  /** Null without a query (or one too short). */
  readonly results: {
    products: repo.PublicProductRow[];
    organisations: repo.PublicOrganisationRow[];
  } | null;
}

export const SEARCH_MIN = 2;
const SEARCH_LIMIT = 30;

/** The portal home: what the system holds, and a diacritic-insensitive search over products and businesses. */
export async function portalHome(db: Kysely<DB>, query: string): Promise<PortalHome> {
  const q = query.trim().slice(0, 100);
  const folded = foldForSearch(q);
  const [counts, standards, results] = await Promise.all([
    repo.portalCounts(db),
    publishedStandards(db),
    folded.length >= SEARCH_MIN
      ? Promise.all([
          repo.searchProducts(db, escapeLike(folded), SEARCH_LIMIT),
          repo.searchBusinesses(db, escapeLike(folded), SEARCH_LIMIT),
        ]).then(([products, organisations]) => ({ products, organisations }))
      : Promise.resolve(null),
  ]);
  return { counts: { ...counts, standards: standards.length }, query: q, results };
}

export interface BusinessProfile {
  readonly organisation: repo.PublicOrganisationRow;
  readonly products: repo.PublicProductRow[];
}

/** A participating organisation's public profile: active organisations only, public columns only. */
export async function businessProfile(db: Kysely<DB>, id: string): Promise<BusinessProfile> {
  const organisation = /^[\w-]{1,64}$/.test(id) ? await repo.findActiveOrganisation(db, id) : undefined;
  if (!organisation) throw notFound('Organisation');
  return { organisation, products: await repo.publicProductsOf(db, id) };
}

export interface PublishedStandard {
  readonly id: string;
  readonly profileId: string;
  readonly version: number;
  readonly title: LocalText;
  readonly productGroups: readonly { code: string; name: string; nameEn: string }[];
  readonly publishedAt: Date | null;
}

const ANONYMOUS: Caller = { kind: 'anonymous' };

/** Published standards (the current version of each), with their product groups' names. */
export async function publishedStandards(db: Kysely<DB>): Promise<PublishedStandard[]> {
  const standards = await listPublishedStandards(db);
  const groups = await repo.productGroupNames(
    db,
    standards.flatMap((s) => s.productGroups),
  );
  return standards.map((s) => ({
    id: s.id,
    profileId: s.profileId,
    version: s.version,
    title: s.title,
    productGroups: s.productGroups.map((code) => ({
      code,
      name: groups.get(code)?.name ?? code,
      nameEn: groups.get(code)?.nameEn ?? code,
    })),
    publishedAt: s.publishedAt,
  }));
}

export interface StandardGuide extends PublishedStandard {
  readonly profile: StandardProfile;
}

/** One published standard with its profile document (the guide, the events to record). */
export async function standardGuide(db: Kysely<DB>, id: string): Promise<StandardGuide> {
  if (!/^[\w.@:-]{1,200}$/.test(id)) throw notFound('Standard');
  const detail = await getStandard(db, ANONYMOUS, id);
  if (detail.status !== 'published') throw notFound('Standard');
  const groups = await repo.productGroupNames(db, detail.productGroups);
  return {
    id: detail.id,
    profileId: detail.profileId,
    version: detail.version,
    title: { vi: detail.title, en: detail.titleEn },
    productGroups: detail.productGroups.map((code) => ({
      code,
      name: groups.get(code)?.name ?? code,
      nameEn: groups.get(code)?.nameEn ?? code,
    })),
    publishedAt: detail.publishedAt,
    profile: detail.document,
  };
}
