import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import type { Caller } from '../shared/caller.ts';
import { notFound } from '../shared/errors.ts';
import { escapeLike, foldForSearch } from '../shared/text.ts';
import { bindProductStandard, standardForProduct } from '../standards/index.ts';
import { storeMedia } from './media.service.ts';
import { findOrganisation } from './organisation.repository.ts';
import { toProfile, type OrganisationProfile } from './organisation.service.ts';
import { productGroupExists } from './product-group.service.ts';
import * as repo from './product.repository.ts';
import { accessibleObjects, requireReadable, requireWritable, targetForWrite } from './registry.access.ts';
import {
  checkOcopStars,
  isCalendarDate,
  isCertificationKind,
  isUnitCode,
  normaliseGtin,
  type CertificationKind,
} from './registry.rules.ts';
import { FieldProblems, cleanText, conflict, parseSort, uniqueViolation, type PageRequest } from './validation.ts';
import { recordAudit } from '../audit/index.ts';

/** Products (trade items identified by GTIN), their images and certifications. */

export interface CertificationInput {
  kind: string;
  number?: string | null | undefined;
  issuer?: string | null | undefined;
  ocopStars?: number | null | undefined;
  validFrom?: string | null | undefined;
  validTo?: string | null | undefined;
}

export interface Certification {
  readonly id: string;
  readonly kind: CertificationKind;
  readonly number: string | null;
  readonly issuer: string | null;
  readonly ocopStars: number | null;
  readonly validFrom: string | null;
  readonly validTo: string | null;
  readonly documentUrl: string | null;
}

export interface ProductImage {
  readonly mediaId: string;
  readonly url: string;
  readonly contentType: string;
  readonly alt: string | null;
  readonly position: number;
}

export interface ProductInput {
  organisationId?: string | undefined;
  gtin: string;
  name: string;
  nameEn?: string | null | undefined;
  brand?: string | null | undefined;
  groupCode: string;
  netContent?: number | null | undefined;
  netContentUnit?: string | null | undefined;
  shelfLifeDays?: number | null | undefined;
  description?: string | null | undefined;
  certifications?: CertificationInput[] | undefined;
}

export interface Product {
  readonly id: string;
  readonly organisationId: string;
  readonly gtin: string;
  readonly name: string;
  readonly nameEn: string | null;
  readonly brand: string | null;
  readonly groupCode: string;
  readonly netContent: number | null;
  readonly netContentUnit: string | null;
  readonly shelfLifeDays: number | null;
  readonly description: string | null;
  readonly status: 'active' | 'archived';
  readonly images: ProductImage[];
  readonly certifications: Certification[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What the consumer page may show of a product (Circular 02/2024 minimum: name, images, producer, standards). */
export interface PublicProduct {
  readonly gtin: string;
  readonly name: string;
  readonly nameEn: string | null;
  readonly brand: string | null;
  readonly groupCode: string;
  readonly netContent: number | null;
  readonly netContentUnit: string | null;
  readonly shelfLifeDays: number | null;
  readonly description: string | null;
  readonly images: ProductImage[];
  readonly certifications: Omit<Certification, 'documentUrl' | 'id'>[];
  readonly producer: OrganisationProfile;
}

export const mediaUrl = (id: string): string => `/api/media/${id}`;

type Row = NonNullable<Awaited<ReturnType<typeof repo.findProduct>>>;
type CertRow = Awaited<ReturnType<typeof repo.certificationsOf>>[number];

function toCertification(c: CertRow): Certification {
  return {
    id: c.id,
    kind: c.kind as CertificationKind,
    number: c.number,
    issuer: c.issuer,
    ocopStars: c.ocop_stars,
    validFrom: c.valid_from,
    validTo: c.valid_to,
    documentUrl: c.document_media_id === null ? null : mediaUrl(c.document_media_id),
  };
}

async function toProducts(db: Kysely<DB>, rows: Row[]): Promise<Product[]> {
  const ids = rows.map((r) => r.id);
  const [images, certs] = await Promise.all([repo.imagesOf(db, ids), repo.certificationsOf(db, ids)]);
  return rows.map((r) => ({
    id: r.id,
    organisationId: r.organisation_id,
    gtin: r.gtin,
    name: r.name,
    nameEn: r.name_en,
    brand: r.brand,
    groupCode: r.group_code,
    netContent: r.net_content === null ? null : Number(r.net_content),
    netContentUnit: r.net_content_unit,
    shelfLifeDays: r.shelf_life_days,
    description: r.description,
    status: r.status === 'archived' ? 'archived' : 'active',
    images: images
      .filter((i) => i.product_id === r.id)
      .map((i) => ({
        mediaId: i.media_id,
        url: mediaUrl(i.media_id),
        contentType: i.content_type,
        alt: i.alt,
        position: i.position,
      })),
    certifications: certs.filter((c) => c.product_id === r.id).map(toCertification),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

async function loadProduct(db: Kysely<DB>, id: string): Promise<Product> {
  const row = await repo.findProduct(db, id);
  if (!row) throw notFound('Product');
  return (await toProducts(db, [row]))[0]!;
}

const MAX_TEXT = 500;
const MAX_DESCRIPTION = 5000;

async function validate(db: Kysely<DB>, input: ProductInput) {
  const problems = new FieldProblems();
  const name = cleanText(input.name);
  if (name === null) problems.add('name', 'error.required');
  for (const [field, value] of Object.entries(input)) {
    if (typeof value === 'string' && value.length > (field === 'description' ? MAX_DESCRIPTION : MAX_TEXT))
      problems.add(field, 'registry.text.long');
  }
  let gtin = '';
  const checked = normaliseGtin(input.gtin ?? '');
  if (checked.ok) gtin = checked.value;
  else problems.check('gtin', checked.messageKey);
  const groupCode = cleanText(input.groupCode);
  if (groupCode === null) problems.add('groupCode', 'error.required');
  else if (!(await productGroupExists(db, groupCode))) problems.add('groupCode', 'registry.productGroup.unknown');
  const netContent = input.netContent ?? null;
  const unit = cleanText(input.netContentUnit)?.toUpperCase() ?? null;
  if (netContent !== null && (!Number.isFinite(netContent) || netContent <= 0 || unit === null))
    problems.add('netContent', 'registry.netContent');
  if (unit !== null && !isUnitCode(unit)) problems.add('netContentUnit', 'registry.unit.unknown');
  const shelfLife = input.shelfLifeDays ?? null;
  if (shelfLife !== null && (!Number.isInteger(shelfLife) || shelfLife < 0 || shelfLife > 36500))
    problems.add('shelfLifeDays', 'registry.shelfLife');
  (input.certifications ?? []).forEach((c, i) => validateCertification(c, problems, `certifications/${i}/`));
  problems.throwIfAny();
  return {
    gtin,
    name: name!,
    name_en: cleanText(input.nameEn),
    brand: cleanText(input.brand),
    group_code: groupCode!,
    net_content: netContent,
    net_content_unit: netContent === null ? null : unit,
    shelf_life_days: shelfLife,
    description: cleanText(input.description),
    search_text: foldForSearch([name, input.nameEn, input.brand, gtin, groupCode].filter(Boolean).join(' ')),
  };
}

function validateCertification(c: CertificationInput, problems: FieldProblems, prefix = '') {
  if (!isCertificationKind(c.kind)) problems.add(`${prefix}kind`, 'registry.kind.unknown');
  else problems.check(`${prefix}ocopStars`, checkOcopStars(c.kind, c.ocopStars ?? null));
  const from = cleanText(c.validFrom);
  const to = cleanText(c.validTo);
  if (from !== null && !isCalendarDate(from)) problems.add(`${prefix}validFrom`, 'registry.date');
  if (to !== null && !isCalendarDate(to)) problems.add(`${prefix}validTo`, 'registry.date');
  if (from !== null && to !== null && isCalendarDate(from) && isCalendarDate(to) && from > to)
    problems.add(`${prefix}validTo`, 'registry.dates.order');
  for (const field of ['number', 'issuer'] as const) {
    if ((c[field]?.length ?? 0) > MAX_TEXT) problems.add(`${prefix}${field}`, 'registry.text.long');
  }
}

function certificationRow(c: CertificationInput) {
  return {
    kind: c.kind,
    number: cleanText(c.number),
    issuer: cleanText(c.issuer),
    ocop_stars: c.ocopStars ?? null,
    valid_from: cleanText(c.validFrom),
    valid_to: cleanText(c.validTo),
  };
}

function mapConflict(e: unknown): never {
  if (uniqueViolation(e) !== undefined) throw conflict('gtin', 'registry.gtin.taken');
  throw e;
}

export async function createProduct(db: Kysely<DB>, caller: Caller, input: ProductInput): Promise<Product> {
  const organisationId = await targetForWrite(db, caller, input.organisationId, 'product');
  const row = await validate(db, input);
  const id = randomUUID();
  await inTransaction(db, async (trx) => {
    try {
      await repo.insertProduct(trx, { id, organisation_id: organisationId, ...row });
    } catch (e) {
      mapConflict(e);
    }
    for (const c of input.certifications ?? []) {
      await repo.insertCertification(trx, {
        id: randomUUID(),
        organisation_id: organisationId,
        product_id: id,
        ...certificationRow(c),
      });
    }
    await recordAudit(trx, caller, {
      action: 'registry.product.create',
      objectType: 'product',
      objectId: id,
      organisationId,
      change: { ...row, certifications: input.certifications ?? [] },
    });
  });
  return loadProduct(db, id);
}

export async function getProduct(db: Kysely<DB>, caller: Caller, id: string): Promise<Product> {
  const row = await repo.findProduct(db, id);
  if (!row) throw notFound('Product');
  await requireReadable(db, caller, row.organisation_id, 'Product', { kind: 'product', id });
  return (await toProducts(db, [row]))[0]!;
}

export type ProductSort = keyof typeof repo.PRODUCT_SORT;

export async function listProducts(
  db: Kysely<DB>,
  caller: Caller,
  query: PageRequest & {
    organisationId?: string | undefined;
    groupCode?: string | undefined;
    status?: string | undefined;
  },
): Promise<{ items: Product[]; total: number }> {
  const accessible = await accessibleObjects(db, caller, 'registry:read', 'product');
  const sort = parseSort(query.sort, Object.keys(repo.PRODUCT_SORT) as ProductSort[], 'name');
  const result = await repo.listProducts(db, {
    ...(accessible === 'all' ? {} : accessible),
    ...(query.organisationId !== undefined ? { organisationId: query.organisationId } : {}),
    ...(query.groupCode ? { groupCode: query.groupCode } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.search ? { search: escapeLike(foldForSearch(query.search)) } : {}),
    sort: sort.key,
    direction: sort.direction,
    limit: query.limit,
    offset: query.offset,
  });
  return { items: await toProducts(db, result.items), total: result.total };
}

export async function updateProduct(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
  patch: Partial<Omit<ProductInput, 'organisationId' | 'certifications'>> & {
    status?: 'active' | 'archived' | undefined;
  },
): Promise<Product> {
  const existing = await repo.findProduct(db, id);
  if (!existing) throw notFound('Product');
  await requireWritable(db, caller, existing.organisation_id, 'Product', { kind: 'product', id });
  const current = (await toProducts(db, [existing]))[0]!;
  const { status, ...fields } = patch;
  const row = await validate(db, { ...current, ...fields, certifications: [] });
  await inTransaction(db, async (trx) => {
    try {
      await repo.updateProduct(trx, id, { ...row, ...(status !== undefined ? { status } : {}) });
    } catch (e) {
      mapConflict(e);
    }
    await recordAudit(trx, caller, {
      action: 'registry.product.update',
      objectType: 'product',
      objectId: id,
      organisationId: existing.organisation_id,
      change: { ...row, status },
      detail: { fields: Object.keys(patch).sort() },
    });
  });
  return loadProduct(db, id);
}

/** Products are never deleted (printed codes and events refer to them): archiving withdraws them from use. */
export async function archiveProduct(db: Kysely<DB>, caller: Caller, id: string): Promise<void> {
  await updateProduct(db, caller, id, { status: 'archived' });
}

async function writableProduct(db: Kysely<DB>, caller: Caller, productId: string) {
  const row = await repo.findProduct(db, productId);
  if (!row) throw notFound('Product');
  await requireWritable(db, caller, row.organisation_id, 'Product', { kind: 'product', id: productId });
  return row;
}

/** Uploads an image (JPEG, PNG or WebP, sniffed from its bytes) and appends it to the product's images. */
export async function addProductImage(
  db: Kysely<DB>,
  caller: Caller,
  productId: string,
  file: { data: Buffer; filename?: string | undefined; alt?: string | undefined },
): Promise<Product> {
  const product = await writableProduct(db, caller, productId);
  await inTransaction(db, async (trx) => {
    const stored = await storeMedia(trx, product.organisation_id, 'image', file.data, file.filename);
    const alt = cleanText(file.alt)?.slice(0, MAX_TEXT) ?? null;
    await repo.attachImage(trx, productId, stored.id, alt);
    await recordAudit(trx, caller, {
      action: 'registry.product.image.add',
      objectType: 'product',
      objectId: productId,
      organisationId: product.organisation_id,
      change: { mediaId: stored.id, alt },
    });
  });
  return loadProduct(db, productId);
}

export async function removeProductImage(db: Kysely<DB>, caller: Caller, productId: string, mediaId: string) {
  const product = await writableProduct(db, caller, productId);
  await inTransaction(db, async (trx) => {
    if (!(await repo.detachImage(trx, productId, mediaId))) throw notFound('Image');
    await recordAudit(trx, caller, {
      action: 'registry.product.image.remove',
      objectType: 'product',
      objectId: productId,
      organisationId: product.organisation_id,
      change: { mediaId },
    });
  });
}

export async function addCertification(
  db: Kysely<DB>,
  caller: Caller,
  productId: string,
  input: CertificationInput,
): Promise<Certification> {
  const product = await writableProduct(db, caller, productId);
  const problems = new FieldProblems();
  validateCertification(input, problems);
  problems.throwIfAny();
  const id = randomUUID();
  await inTransaction(db, async (trx) => {
    const row = certificationRow(input);
    await repo.insertCertification(trx, {
      id,
      organisation_id: product.organisation_id,
      product_id: productId,
      ...row,
    });
    await recordAudit(trx, caller, {
      action: 'registry.certification.create',
      objectType: 'certification',
      objectId: id,
      organisationId: product.organisation_id,
      change: { productId, ...row },
    });
  });
  return toCertification((await repo.findCertification(db, id))!);
}

async function writableCertification(db: Kysely<DB>, caller: Caller, productId: string, id: string) {
  await writableProduct(db, caller, productId);
  const row = await repo.findCertification(db, id);
  if (!row || row.product_id !== productId) throw notFound('Certification');
  return row;
}

export async function updateCertification(
  db: Kysely<DB>,
  caller: Caller,
  productId: string,
  id: string,
  patch: Partial<CertificationInput>,
): Promise<Certification> {
  const found = await writableCertification(db, caller, productId, id);
  const existing = toCertification(found);
  const merged: CertificationInput = { ...existing, ...patch };
  const problems = new FieldProblems();
  validateCertification(merged, problems);
  problems.throwIfAny();
  await inTransaction(db, async (trx) => {
    const row = certificationRow(merged);
    await repo.updateCertification(trx, id, row);
    await recordAudit(trx, caller, {
      action: 'registry.certification.update',
      objectType: 'certification',
      objectId: id,
      organisationId: found.organisation_id,
      change: { productId, ...row },
      detail: { fields: Object.keys(patch).sort() },
    });
  });
  return toCertification((await repo.findCertification(db, id))!);
}

export async function removeCertification(db: Kysely<DB>, caller: Caller, productId: string, id: string) {
  const found = await writableCertification(db, caller, productId, id);
  await inTransaction(db, async (trx) => {
    await repo.deleteCertification(trx, id);
    await recordAudit(trx, caller, {
      action: 'registry.certification.remove',
      objectType: 'certification',
      objectId: id,
      organisationId: found.organisation_id,
      change: { productId },
    });
  });
}

/** Attaches the certificate document (PDF or image, sniffed from its bytes). */
export async function attachCertificationDocument(
  db: Kysely<DB>,
  caller: Caller,
  productId: string,
  id: string,
  file: { data: Buffer; filename?: string | undefined },
): Promise<Certification> {
  const cert = await writableCertification(db, caller, productId, id);
  await inTransaction(db, async (trx) => {
    const stored = await storeMedia(trx, cert.organisation_id, 'document', file.data, file.filename);
    await repo.updateCertification(trx, id, { document_media_id: stored.id });
    await recordAudit(trx, caller, {
      action: 'registry.certification.document',
      objectType: 'certification',
      objectId: id,
      organisationId: cert.organisation_id,
      change: { productId, mediaId: stored.id },
    });
  });
  return toCertification((await repo.findCertification(db, id))!);
}

/**
 * The public face of a product, for anyone (the consumer page of a scanned code): only active products of active
 * organisations, and no certificate documents.
 */
export async function getPublicProduct(db: Kysely<DB>, gtin: string): Promise<PublicProduct> {
  const checked = normaliseGtin(gtin);
  if (!checked.ok) throw notFound('Product');
  const row = await repo.findProductByGtin(db, checked.value);
  if (!row || row.status !== 'active') throw notFound('Product');
  const producer = await findOrganisation(db, row.organisation_id);
  if (!producer || producer.status !== 'active') throw notFound('Product');
  const product = (await toProducts(db, [row]))[0]!;
  return {
    gtin: product.gtin,
    name: product.name,
    nameEn: product.nameEn,
    brand: product.brand,
    groupCode: product.groupCode,
    netContent: product.netContent,
    netContentUnit: product.netContentUnit,
    shelfLifeDays: product.shelfLifeDays,
    description: product.description,
    images: product.images,
    certifications: product.certifications.map(({ id: _id, documentUrl: _doc, ...rest }) => rest),
    producer: toProfile(producer),
  };
}

export interface ProductStandardView {
  readonly standardId: string | null;
  readonly version: number | null;
  readonly status: string | null;
  readonly bound: boolean;
  readonly title: { vi: string; en: string } | null;
}

function standardView(s: Awaited<ReturnType<typeof standardForProduct>>): ProductStandardView {
  return s === undefined
    ? { standardId: null, version: null, status: null, bound: false, title: null }
    : { standardId: s.standardId, version: s.version, status: s.status, bound: s.bound, title: s.profile.title };
}

/** The base standard version the product answers to: its binding, else its product group's current one. */
export async function getProductStandard(db: Kysely<DB>, caller: Caller, id: string): Promise<ProductStandardView> {
  await getProduct(db, caller, id);
  return standardView(await standardForProduct(db, id));
}

/** Binds the product to a published standard version, or (null) back to its product group's current one. */
export async function setProductStandard(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
  standardId: string | null,
): Promise<ProductStandardView> {
  const row = await writableProduct(db, caller, id);
  const by = caller.kind === 'user' ? caller.userId : caller.kind === 'apiKey' ? caller.apiKeyId : null;
  const bound = await inTransaction(db, async (trx) => {
    const result = await bindProductStandard(trx, row.id, standardId, by);
    await recordAudit(trx, caller, {
      action: 'registry.product.standard',
      objectType: 'product',
      objectId: row.id,
      organisationId: row.organisation_id,
      change: { standardId },
    });
    return result;
  });
  return standardView(bound);
}
