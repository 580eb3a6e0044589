import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { hasPermission, requirePermission, seesEverything, type Caller } from '../shared/caller.ts';
import { notFound } from '../shared/errors.ts';
import { escapeLike, foldForSearch } from '../shared/text.ts';
import { isProvinceCode } from './admin-units.ts';
import { normalisePhone } from './identity.service.ts';
import * as repo from './organisation.repository.ts';
import { accessibleOrganisations, mayUseOrganisation } from './registry.access.ts';
import {
  checkCompanyPrefix,
  isOrganisationKind,
  isOrganisationStatus,
  normaliseGln,
  type OrganisationKind,
  type OrganisationStatus,
} from './registry.rules.ts';
import { parseTaxCode } from './tax-code.ts';
import { FieldProblems, cleanText, conflict, parseSort, uniqueViolation, type PageRequest } from './validation.ts';
import { recordAudit } from '../audit/index.ts';

/** Organisations: businesses, cooperatives, households, the provincial authority and solution providers. */

export interface OrganisationInput {
  name: string;
  nameEn?: string | null | undefined;
  taxCode?: string | null | undefined;
  kind: string;
  gs1CompanyPrefix?: string | null | undefined;
  primaryGln?: string | null | undefined;
  address?: string | null | undefined;
  provinceCode?: string | null | undefined;
  communeCode?: string | null | undefined;
  communeName?: string | null | undefined;
  contactName?: string | null | undefined;
  contactEmail?: string | null | undefined;
  contactPhone?: string | null | undefined;
  usesBarcodes?: boolean | undefined;
  status?: string | undefined;
}

export interface Organisation {
  readonly visibility: 'full';
  readonly id: string;
  readonly name: string;
  readonly nameEn: string | null;
  readonly taxCode: string | null;
  readonly kind: OrganisationKind;
  readonly gs1CompanyPrefix: string | null;
  readonly primaryGln: string | null;
  readonly address: string | null;
  readonly provinceCode: string | null;
  readonly communeCode: string | null;
  readonly communeName: string | null;
  readonly contactName: string | null;
  readonly contactEmail: string | null;
  readonly contactPhone: string | null;
  readonly usesBarcodes: boolean;
  readonly status: OrganisationStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What any signed-in caller may see of another active organisation. */
export interface OrganisationProfile {
  readonly visibility: 'public';
  readonly id: string;
  readonly name: string;
  readonly nameEn: string | null;
  readonly kind: OrganisationKind;
  readonly provinceCode: string | null;
  readonly communeName: string | null;
  readonly primaryGln: string | null;
}

type Row = NonNullable<Awaited<ReturnType<typeof repo.findOrganisation>>>;

function toOrganisation(r: Row): Organisation {
  return {
    visibility: 'full',
    id: r.id,
    name: r.name,
    nameEn: r.name_en,
    taxCode: r.tax_code,
    kind: r.kind as OrganisationKind,
    gs1CompanyPrefix: r.gs1_company_prefix,
    primaryGln: r.primary_gln,
    address: r.address,
    provinceCode: r.province_code,
    communeCode: r.commune_code,
    communeName: r.commune_name,
    contactName: r.contact_name,
    contactEmail: r.contact_email,
    contactPhone: r.contact_phone,
    usesBarcodes: r.uses_barcodes,
    status: r.status as OrganisationStatus,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toProfile(r: Row): OrganisationProfile {
  return {
    visibility: 'public',
    id: r.id,
    name: r.name,
    nameEn: r.name_en,
    kind: r.kind as OrganisationKind,
    provinceCode: r.province_code,
    communeName: r.commune_name,
    primaryGln: r.primary_gln,
  };
}

const MAX_TEXT = 500;

/** Validates a whole organisation record and returns its columns; throws `validation` naming every bad field. */
export function validateOrganisation(input: OrganisationInput) {
  const problems = new FieldProblems();
  const name = cleanText(input.name);
  if (name === null) problems.add('name', 'error.required');
  for (const [field, value] of Object.entries(input)) {
    if (typeof value === 'string' && value.length > MAX_TEXT) problems.add(field, 'registry.text.long');
  }
  if (!isOrganisationKind(input.kind)) problems.add('kind', 'registry.kind.unknown');
  const status = input.status ?? 'active';
  if (!isOrganisationStatus(status)) problems.add('status', 'registry.status.unknown');

  let taxCode: string | null = null;
  const rawTax = cleanText(input.taxCode);
  if (rawTax !== null) {
    const parsed = parseTaxCode(rawTax);
    if (parsed.ok) taxCode = parsed.value;
    else problems.add('taxCode', parsed.problem === 'check' ? 'registry.taxCode.check' : 'registry.taxCode.format');
  }
  const prefix = cleanText(input.gs1CompanyPrefix);
  if (prefix !== null) problems.check('gs1CompanyPrefix', checkCompanyPrefix(prefix));
  let gln: string | null = null;
  const rawGln = cleanText(input.primaryGln);
  if (rawGln !== null) {
    const checked = normaliseGln(rawGln);
    if (checked.ok) gln = checked.value;
    else problems.check('primaryGln', checked.messageKey);
  }
  const provinceCode = cleanText(input.provinceCode);
  if (provinceCode !== null && !isProvinceCode(provinceCode)) problems.add('provinceCode', 'registry.province.unknown');
  const email = cleanText(input.contactEmail)?.toLowerCase() ?? null;
  if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) problems.add('contactEmail', 'error.email');
  let phone: string | null = null;
  try {
    phone = normalisePhone(input.contactPhone);
  } catch {
    problems.add('contactPhone', 'error.phone');
  }
  problems.throwIfAny();
  return {
    name: name!,
    name_en: cleanText(input.nameEn),
    tax_code: taxCode,
    kind: input.kind,
    gs1_company_prefix: prefix,
    primary_gln: gln,
    address: cleanText(input.address),
    province_code: provinceCode,
    commune_code: cleanText(input.communeCode),
    commune_name: cleanText(input.communeName),
    contact_name: cleanText(input.contactName),
    contact_email: email,
    contact_phone: phone,
    uses_barcodes: input.usesBarcodes ?? (prefix !== null || gln !== null),
    status,
    search_text: foldForSearch(
      [name, input.nameEn, taxCode, input.communeName, gln, prefix, input.kind].filter(Boolean).join(' '),
    ),
  };
}

/** Maps a unique violation on an organisation row to 409 naming the field (tax code or GLN). */
export function mapOrganisationConflict(e: unknown): never {
  const constraint = uniqueViolation(e);
  if (constraint !== undefined) {
    if (constraint.includes('gln')) throw conflict('primaryGln', 'registry.gln.taken');
    throw conflict('taxCode', 'registry.taxCode.taken');
  }
  throw e;
}

/** Registers an organisation. Only the province (or the system) does; it may set any status. */
export async function createOrganisation(
  db: Kysely<DB>,
  caller: Caller,
  input: OrganisationInput,
): Promise<Organisation> {
  requirePermission(caller, 'province:write');
  const row = validateOrganisation(input);
  const id = randomUUID();
  await inTransaction(db, async (trx) => {
    try {
      await repo.insertOrganisation(trx, { id, ...row });
    } catch (e) {
      mapOrganisationConflict(e);
    }
    await recordAudit(trx, caller, {
      action: 'registry.organisation.create',
      objectType: 'organisation',
      objectId: id,
      organisationId: id,
      change: row,
    });
  });
  return toOrganisation((await repo.findOrganisation(db, id))!);
}

/**
 * One organisation: the full record for the province, the organisation itself and providers it delegated to; the
 * public profile of an active organisation for any other signed-in caller; 404 otherwise.
 */
export async function getOrganisation(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
): Promise<Organisation | OrganisationProfile> {
  requirePermission(caller, 'registry:read');
  const row = await repo.findOrganisation(db, id);
  if (!row) throw notFound('Organisation');
  if (await mayUseOrganisation(db, caller, id, 'registry:read')) return toOrganisation(row);
  if (row.status !== 'active') throw notFound('Organisation');
  return toProfile(row);
}

export type OrganisationSort = keyof typeof repo.ORGANISATION_SORT;

export async function listOrganisations(
  db: Kysely<DB>,
  caller: Caller,
  query: PageRequest & { kind?: string | undefined; status?: string | undefined },
): Promise<{ items: (Organisation | OrganisationProfile)[]; total: number }> {
  const readable = await accessibleOrganisations(db, caller, 'registry:read');
  const sort = parseSort(query.sort, Object.keys(repo.ORGANISATION_SORT) as OrganisationSort[], 'name');
  const result = await repo.listOrganisations(db, {
    ...(readable === 'all' ? {} : { readable }),
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.search ? { search: escapeLike(foldForSearch(query.search)) } : {}),
    sort: sort.key,
    direction: sort.direction,
    limit: query.limit,
    offset: query.offset,
  });
  return {
    items: result.items.map((r) => (readable === 'all' || readable.includes(r.id) ? toOrganisation(r) : toProfile(r))),
    total: result.total,
  };
}

/**
 * Changes an organisation. A business edits its own record (not its status, and it cannot become an authority);
 * the province edits every record and approves (`active`) or suspends organisations.
 */
export async function updateOrganisation(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
  patch: Partial<OrganisationInput>,
): Promise<Organisation> {
  requirePermission(caller, 'registry:read');
  const existing = await repo.findOrganisation(db, id);
  if (!existing || !(await mayUseOrganisation(db, caller, id, 'registry:read'))) throw notFound('Organisation');
  const province = seesEverything(caller) && hasPermission(caller, 'province:write');
  if (!province) {
    requirePermission(caller, 'registry:write');
    if (!(await mayUseOrganisation(db, caller, id, 'registry:write'))) throw notFound('Organisation');
    const problems = new FieldProblems();
    if (patch.status !== undefined && patch.status !== existing.status)
      problems.add('status', 'registry.status.provinceOnly');
    // The kind decides rights (authorities, providers): only the province changes it.
    if (patch.kind !== undefined && patch.kind !== existing.kind) problems.add('kind', 'registry.kind.provinceOnly');
    problems.throwIfAny();
  }
  const current = toOrganisation(existing);
  const merged: OrganisationInput = { ...current, ...patch };
  const row = validateOrganisation(merged);
  await inTransaction(db, async (trx) => {
    try {
      await repo.updateOrganisation(trx, id, row);
    } catch (e) {
      mapOrganisationConflict(e);
    }
    await recordAudit(trx, caller, {
      action: 'registry.organisation.update',
      objectType: 'organisation',
      objectId: id,
      organisationId: id,
      change: row,
      detail: { fields: Object.keys(patch).sort() },
    });
  });
  return toOrganisation((await repo.findOrganisation(db, id))!);
}

/** True when no organisation exists yet (a fresh database): the first start loads the demo then. */
export async function hasNoOrganisations(db: Kysely<DB>): Promise<boolean> {
  return (await repo.countOrganisations(db)) === 0;
}
