import { createHash } from 'node:crypto';
import { hasValidCheckDigit, withCheckDigit } from '../../identifiers/index.ts';
import type { ChainProfile, NationalRecord, OrganisationProfile, ProductProfile, StageEvent } from './platform.ts';

/**
 * Registry rows and EPCIS events → the national platform's records, and the checks made before anything is sent
 * (the portal's documented rules: a tax code for the organisation; a valid GTIN, at least one public image, net
 * content and unit for a product). Pure: no I/O.
 */

export interface OrganisationSource {
  readonly id: string;
  readonly name: string;
  readonly name_en: string | null;
  readonly tax_code: string | null;
  readonly primary_gln: string | null;
  readonly address: string | null;
  readonly province_code: string | null;
  readonly contact_name: string | null;
  readonly contact_email: string | null;
  readonly contact_phone: string | null;
}

export interface ProductSource {
  readonly id: string;
  readonly gtin: string;
  readonly name: string;
  readonly name_en: string | null;
  readonly brand: string | null;
  readonly net_content: string | number | null;
  readonly net_content_unit: string | null;
  readonly description: string | null;
  /** Media ids of the product's images, in display order. */
  readonly imageIds: readonly string[];
}

export interface EventSource {
  readonly rowId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly eventTime: Date;
  readonly timeZoneOffset: string;
  readonly bizStep: string | null;
  readonly bizLocation: string | null;
  readonly readPoint: string | null;
  readonly gtin: string;
  readonly lot: string;
  readonly quantity: number | null;
  readonly uom: string | null;
}

/** A check that failed before sending: the code of the federation message catalogue, and the field. */
export interface LocalProblem {
  readonly code: 'LOCAL_TAX_CODE_MISSING' | 'LOCAL_GTIN_INVALID' | 'LOCAL_IMAGE_MISSING' | 'LOCAL_NET_CONTENT_MISSING';
  readonly field: string;
}

/** One record ready for the outbox: its local identity, what it depends on, and a hash of what would be sent. */
export interface OutboxCandidate {
  readonly sourceId: string;
  readonly rank: 0 | 1 | 2 | 3;
  /** `kind:sourceId` of the record this one needs on the platform first. */
  readonly dependsOn: string | null;
  readonly record: NationalRecord;
  readonly hash: string;
  readonly problem: LocalProblem | null;
}

export const candidateRef = (kind: NationalRecord['kind'], sourceId: string): string => `${kind}:${sourceId}`;

const hashOf = (record: NationalRecord): string =>
  createHash('sha256').update(JSON.stringify(record)).digest('hex').slice(0, 32);

export const gtin14 = (gtin: string): string => gtin.padStart(14, '0');

/** The chain code of one lot of one product: GTIN-14 and lot, as the portal's chain key. */
export const chainCodeOf = (gtin: string, lot: string): string => `${gtin14(gtin)}.${lot}`;

export function organisationCandidate(org: OrganisationSource): OutboxCandidate {
  const body: OrganisationProfile = {
    taxCode: org.tax_code ?? '',
    gln: org.primary_gln,
    name: org.name,
    nameEn: org.name_en,
    address: org.address,
    provinceCode: org.province_code,
    contact: { name: org.contact_name, email: org.contact_email, phone: org.contact_phone },
  };
  const record: NationalRecord = { kind: 'organisation', key: body.taxCode, body };
  return {
    sourceId: org.id,
    rank: 0,
    dependsOn: null,
    record,
    hash: hashOf(record),
    problem: org.tax_code ? null : { code: 'LOCAL_TAX_CODE_MISSING', field: 'taxCode' },
  };
}

export function productCandidate(org: OrganisationSource, product: ProductSource, publicUrl: string): OutboxCandidate {
  const netContent = product.net_content === null ? NaN : Number(product.net_content);
  const body: ProductProfile = {
    gtin: gtin14(product.gtin),
    name: product.name,
    nameEn: product.name_en,
    brand: product.brand,
    netContent: Number.isFinite(netContent) ? netContent : 0,
    unit: product.net_content_unit ?? '',
    images: product.imageIds.map((id) => `${publicUrl}/api/media/${id}`),
    description: product.description,
  };
  const record: NationalRecord = { kind: 'product', organisationKey: org.tax_code ?? '', key: body.gtin, body };
  let problem: LocalProblem | null = null;
  if (!/^\d{8}$|^\d{12,14}$/.test(product.gtin) || !hasValidCheckDigit(product.gtin))
    problem = { code: 'LOCAL_GTIN_INVALID', field: 'gtin' };
  else if (body.images.length === 0) problem = { code: 'LOCAL_IMAGE_MISSING', field: 'images' };
  else if (!(netContent > 0) || body.unit === '') problem = { code: 'LOCAL_NET_CONTENT_MISSING', field: 'netContent' };
  return {
    sourceId: product.id,
    rank: 1,
    dependsOn: candidateRef('organisation', org.id),
    record,
    hash: hashOf(record),
    problem,
  };
}

export function chainCandidate(org: OrganisationSource, productId: string, gtin: string, lot: string): OutboxCandidate {
  const body: ChainProfile = { chainCode: chainCodeOf(gtin, lot), gtin: gtin14(gtin), lot };
  const record: NationalRecord = { kind: 'chain', organisationKey: org.tax_code ?? '', key: body.chainCode, body };
  return {
    sourceId: `${gtin14(gtin)}|${lot}`,
    rank: 2,
    dependsOn: candidateRef('product', productId),
    record,
    hash: hashOf(record),
    problem: null,
  };
}

/** The short CBV name of a business step (`https://ref.gs1.org/cbv/BizStep-harvesting` → `harvesting`). */
export function stageOf(bizStep: string | null, eventType: string): string {
  if (bizStep === null) return eventType;
  const m = /(?:BizStep-|bizstep:)([A-Za-z_]+)$/.exec(bizStep);
  return m ? m[1]! : bizStep;
}

/** The GLN in an SGLN EPC URI or a GS1 Digital Link with AI 414; null for anything else. */
export function glnOf(location: string | null): string | null {
  if (location === null) return null;
  const urn = /^urn:epc:id:sgln:(\d+)\.(\d*)\.[^.]*$/.exec(location);
  if (urn && urn[1]!.length + urn[2]!.length === 12) return withCheckDigit(urn[1]! + urn[2]!);
  const dl = /\/414\/(\d{13})(?:\/|$)/.exec(location);
  return dl ? dl[1]! : null;
}

export function eventCandidate(
  org: OrganisationSource,
  event: EventSource,
  locationNames: ReadonlyMap<string, string>,
): OutboxCandidate {
  const gln = glnOf(event.bizLocation ?? event.readPoint);
  const body: StageEvent = {
    eventKey: event.eventId,
    stage: stageOf(event.bizStep, event.eventType),
    time: event.eventTime.toISOString(),
    timeZoneOffset: event.timeZoneOffset,
    location: gln === null ? null : { gln, name: locationNames.get(gln) ?? null },
    quantity: event.quantity,
    unit: event.uom,
    images: [],
  };
  const chainSource = `${gtin14(event.gtin)}|${event.lot}`;
  const record: NationalRecord = {
    kind: 'event',
    organisationKey: org.tax_code ?? '',
    chainKey: chainCodeOf(event.gtin, event.lot),
    key: event.eventId,
    body,
  };
  return {
    sourceId: `${event.rowId}|${chainSource}`,
    rank: 3,
    dependsOn: candidateRef('chain', chainSource),
    record,
    hash: hashOf(record),
    problem: null,
  };
}

/**
 * Every record of one organisation, in dependency order: the organisation, its products, the chains (one per lot
 * of a registered product that events mention) and their stage events in event-time order.
 */
export function organisationCandidates(
  org: OrganisationSource,
  products: readonly ProductSource[],
  events: readonly EventSource[],
  locationNames: ReadonlyMap<string, string>,
  publicUrl: string,
): OutboxCandidate[] {
  const out: OutboxCandidate[] = [organisationCandidate(org)];
  const productByGtin = new Map<string, ProductSource>();
  for (const p of products) {
    out.push(productCandidate(org, p, publicUrl));
    productByGtin.set(gtin14(p.gtin), p);
  }
  const sorted = [...events].sort(
    (a, b) => a.eventTime.getTime() - b.eventTime.getTime() || a.rowId.localeCompare(b.rowId),
  );
  const chains = new Set<string>();
  const stageEvents: OutboxCandidate[] = [];
  for (const e of sorted) {
    const product = productByGtin.get(gtin14(e.gtin));
    if (!product) continue;
    const chainSource = `${gtin14(e.gtin)}|${e.lot}`;
    if (!chains.has(chainSource)) {
      chains.add(chainSource);
      out.push(chainCandidate(org, product.id, e.gtin, e.lot));
    }
    stageEvents.push(eventCandidate(org, e, locationNames));
  }
  return [...out, ...stageEvents];
}
