import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import type { Caller } from '../shared/caller.ts';
import { notFound } from '../shared/errors.ts';
import { escapeLike, foldForSearch } from '../shared/text.ts';
import { isProvinceCode } from './admin-units.ts';
import * as repo from './location.repository.ts';
import { accessibleObjects, requireReadable, requireWritable, targetForWrite } from './registry.access.ts';
import {
  GROWING_AREA_CODE,
  PACKING_HOUSE_CODE,
  checkGps,
  isLocationKind,
  normaliseExportCode,
  normaliseGln,
  type LocationKind,
} from './registry.rules.ts';
import { FieldProblems, cleanText, conflict, parseSort, uniqueViolation, type PageRequest } from './validation.ts';
import { recordAudit } from '../audit/index.ts';

/** Locations: farms, growing areas, ponds, factories, packing houses, warehouses, shops… each with its GLN. */

export interface LocationInput {
  organisationId?: string | undefined;
  gln: string;
  name: string;
  nameEn?: string | null | undefined;
  kind: string;
  latitude?: number | null | undefined;
  longitude?: number | null | undefined;
  growingAreaCode?: string | null | undefined;
  packingHouseCode?: string | null | undefined;
  parentId?: string | null | undefined;
  address?: string | null | undefined;
  provinceCode?: string | null | undefined;
  communeCode?: string | null | undefined;
  communeName?: string | null | undefined;
}

export interface Location {
  readonly id: string;
  readonly organisationId: string;
  readonly gln: string;
  readonly name: string;
  readonly nameEn: string | null;
  readonly kind: LocationKind;
  readonly latitude: number | null;
  readonly longitude: number | null;
  readonly growingAreaCode: string | null;
  readonly packingHouseCode: string | null;
  readonly parentId: string | null;
  readonly address: string | null;
  readonly provinceCode: string | null;
  readonly communeCode: string | null;
  readonly communeName: string | null;
  readonly status: 'active' | 'archived';
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

type Row = NonNullable<Awaited<ReturnType<typeof repo.findLocation>>>;

function toLocation(r: Row): Location {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    gln: r.gln,
    name: r.name,
    nameEn: r.name_en,
    kind: r.kind as LocationKind,
    latitude: r.latitude,
    longitude: r.longitude,
    growingAreaCode: r.growing_area_code,
    packingHouseCode: r.packing_house_code,
    parentId: r.parent_id,
    address: r.address,
    provinceCode: r.province_code,
    communeCode: r.commune_code,
    communeName: r.commune_name,
    status: r.status === 'archived' ? 'archived' : 'active',
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const MAX_TEXT = 500;

async function validate(db: Kysely<DB>, organisationId: string, input: LocationInput, selfId: string | undefined) {
  const problems = new FieldProblems();
  const name = cleanText(input.name);
  if (name === null) problems.add('name', 'error.required');
  for (const [field, value] of Object.entries(input)) {
    if (typeof value === 'string' && value.length > MAX_TEXT) problems.add(field, 'registry.text.long');
  }
  let gln = '';
  const checkedGln = normaliseGln(input.gln ?? '');
  if (checkedGln.ok) gln = checkedGln.value;
  else problems.check('gln', checkedGln.messageKey);
  if (!isLocationKind(input.kind)) problems.add('kind', 'registry.kind.unknown');
  const latitude = input.latitude ?? null;
  const longitude = input.longitude ?? null;
  const gps = checkGps(latitude, longitude);
  if (gps !== undefined)
    problems.check(latitude === null || latitude < -90 || latitude > 90 ? 'latitude' : 'longitude', gps);
  const growing = cleanText(input.growingAreaCode);
  const growingAreaCode = growing === null ? null : normaliseExportCode(growing);
  if (growingAreaCode !== null && !GROWING_AREA_CODE.test(growingAreaCode))
    problems.add('growingAreaCode', 'registry.growingAreaCode');
  const packing = cleanText(input.packingHouseCode);
  const packingHouseCode = packing === null ? null : normaliseExportCode(packing);
  if (packingHouseCode !== null && !PACKING_HOUSE_CODE.test(packingHouseCode))
    problems.add('packingHouseCode', 'registry.packingHouseCode');
  const provinceCode = cleanText(input.provinceCode);
  if (provinceCode !== null && !isProvinceCode(provinceCode)) problems.add('provinceCode', 'registry.province.unknown');
  const parentId = cleanText(input.parentId);
  if (parentId !== null) {
    const parent = await repo.findLocation(db, parentId);
    if (!parent || parent.organisation_id !== organisationId) problems.add('parentId', 'registry.parent.unknown');
    else if (selfId !== undefined && (await repo.ancestorIds(db, parentId)).includes(selfId))
      problems.add('parentId', 'registry.parent.cycle');
  }
  problems.throwIfAny();
  return {
    gln,
    name: name!,
    name_en: cleanText(input.nameEn),
    kind: input.kind,
    latitude,
    longitude,
    growing_area_code: growingAreaCode,
    packing_house_code: packingHouseCode,
    parent_id: parentId,
    address: cleanText(input.address),
    province_code: provinceCode,
    commune_code: cleanText(input.communeCode),
    commune_name: cleanText(input.communeName),
    search_text: foldForSearch(
      [name, input.nameEn, gln, input.communeName, input.address, growingAreaCode, packingHouseCode]
        .filter(Boolean)
        .join(' '),
    ),
  };
}

function mapConflict(e: unknown): never {
  if (uniqueViolation(e) !== undefined) throw conflict('gln', 'registry.gln.taken');
  throw e;
}

export async function createLocation(db: Kysely<DB>, caller: Caller, input: LocationInput): Promise<Location> {
  const organisationId = await targetForWrite(db, caller, input.organisationId, 'location');
  const row = await validate(db, organisationId, input, undefined);
  const id = randomUUID();
  await inTransaction(db, async (trx) => {
    try {
      await repo.insertLocation(trx, { id, organisation_id: organisationId, ...row });
    } catch (e) {
      mapConflict(e);
    }
    await recordAudit(trx, caller, {
      action: 'registry.location.create',
      objectType: 'location',
      objectId: id,
      organisationId,
      change: row,
    });
  });
  return toLocation((await repo.findLocation(db, id))!);
}

export async function getLocation(db: Kysely<DB>, caller: Caller, id: string): Promise<Location> {
  const row = await repo.findLocation(db, id);
  if (!row) throw notFound('Location');
  await requireReadable(db, caller, row.organisation_id, 'Location', { kind: 'location', id });
  return toLocation(row);
}

export type LocationSort = keyof typeof repo.LOCATION_SORT;

export async function listLocations(
  db: Kysely<DB>,
  caller: Caller,
  query: PageRequest & {
    organisationId?: string | undefined;
    kind?: string | undefined;
    status?: string | undefined;
    parentId?: string | undefined;
  },
): Promise<{ items: Location[]; total: number }> {
  const accessible = await accessibleObjects(db, caller, 'registry:read', 'location');
  const sort = parseSort(query.sort, Object.keys(repo.LOCATION_SORT) as LocationSort[], 'name');
  const result = await repo.listLocations(db, {
    ...(accessible === 'all' ? {} : accessible),
    ...(query.organisationId !== undefined ? { organisationId: query.organisationId } : {}),
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.parentId ? { parentId: query.parentId } : {}),
    ...(query.search ? { search: escapeLike(foldForSearch(query.search)) } : {}),
    sort: sort.key,
    direction: sort.direction,
    limit: query.limit,
    offset: query.offset,
  });
  return { items: result.items.map(toLocation), total: result.total };
}

export async function updateLocation(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
  patch: Partial<Omit<LocationInput, 'organisationId'>> & { status?: 'active' | 'archived' | undefined },
): Promise<Location> {
  const existing = await repo.findLocation(db, id);
  if (!existing) throw notFound('Location');
  await requireWritable(db, caller, existing.organisation_id, 'Location', { kind: 'location', id });
  const { status, ...fields } = patch;
  const row = await validate(db, existing.organisation_id, { ...toLocation(existing), ...fields }, id);
  await inTransaction(db, async (trx) => {
    try {
      await repo.updateLocation(trx, id, { ...row, ...(status !== undefined ? { status } : {}) });
    } catch (e) {
      mapConflict(e);
    }
    await recordAudit(trx, caller, {
      action: 'registry.location.update',
      objectType: 'location',
      objectId: id,
      organisationId: existing.organisation_id,
      change: { ...row, status },
      detail: { fields: Object.keys(patch).sort() },
    });
  });
  return toLocation((await repo.findLocation(db, id))!);
}

/** Locations are never deleted (events and printed codes refer to them): archiving hides them from pickers. */
export async function archiveLocation(db: Kysely<DB>, caller: Caller, id: string): Promise<void> {
  await updateLocation(db, caller, id, { status: 'archived' });
}
