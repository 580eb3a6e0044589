import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/index.ts';
import type { DB } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { requirePermission, type Caller } from '../shared/caller.ts';
import { notFound } from '../shared/errors.ts';
import { escapeLike, foldForSearch } from '../shared/text.ts';
import { FieldProblems, cleanText, conflict, uniqueViolation } from './validation.ts';

/**
 * Product groups: the provincial plan's four groups and their sub-groups (seeded by migration 0002). Base standards,
 * reports and the national portal refer to their stable codes. Everyone may read them; the province manages them.
 */

export interface ProductGroup {
  readonly code: string;
  readonly parentCode: string | null;
  readonly name: string;
  readonly nameEn: string;
  readonly sortOrder: number;
  readonly active: boolean;
}

export interface ProductGroupInput {
  code: string;
  parentCode?: string | null | undefined;
  name: string;
  nameEn: string;
  sortOrder?: number | undefined;
  active?: boolean | undefined;
}

const COLUMNS = ['code', 'parent_code', 'name', 'name_en', 'sort_order', 'active'] as const;

function toGroup(r: {
  code: string;
  parent_code: string | null;
  name: string;
  name_en: string;
  sort_order: number;
  active: boolean;
}): ProductGroup {
  return {
    code: r.code,
    parentCode: r.parent_code,
    name: r.name,
    nameEn: r.name_en,
    sortOrder: r.sort_order,
    active: r.active,
  };
}

export async function listProductGroups(
  db: Kysely<DB>,
  query: { search?: string | undefined; includeInactive?: boolean } = {},
): Promise<ProductGroup[]> {
  let q = db.selectFrom('product_group').select(COLUMNS);
  if (!query.includeInactive) q = q.where('active', '=', true);
  if (query.search) q = q.where('search_text', 'like', `%${escapeLike(foldForSearch(query.search))}%`);
  return (await q.orderBy('sort_order').orderBy('code').execute()).map(toGroup);
}

export async function getProductGroup(db: Kysely<DB>, code: string): Promise<ProductGroup> {
  const row = await db.selectFrom('product_group').select(COLUMNS).where('code', '=', code).executeTakeFirst();
  if (!row) throw notFound('Product group');
  return toGroup(row);
}

/** True when `code` names an active product group. */
export async function productGroupExists(db: Kysely<DB>, code: string): Promise<boolean> {
  const row = await db
    .selectFrom('product_group')
    .select('code')
    .where('code', '=', code)
    .where('active', '=', true)
    .executeTakeFirst();
  return row !== undefined;
}

/** `code` and the codes above it, nearest first (groups are a shallow tree; the bound guards against bad data). */
async function groupAncestors(db: Kysely<DB>, code: string): Promise<string[]> {
  const chain: string[] = [];
  let current: string | null = code;
  while (current !== null && chain.length < 50 && !chain.includes(current)) {
    chain.push(current);
    const row = await db
      .selectFrom('product_group')
      .select('parent_code')
      .where('code', '=', current)
      .executeTakeFirst();
    current = row?.parent_code ?? null;
  }
  return chain;
}

async function validate(db: Kysely<DB>, input: ProductGroupInput) {
  const problems = new FieldProblems();
  if (!/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/.test(input.code) || input.code.length > 60)
    problems.add('code', 'registry.productGroup.code');
  const name = cleanText(input.name);
  const nameEn = cleanText(input.nameEn);
  if (name === null) problems.add('name', 'error.required');
  if (nameEn === null) problems.add('nameEn', 'error.required');
  const parentCode = cleanText(input.parentCode);
  if (parentCode !== null && !(await productGroupExists(db, parentCode)))
    problems.add('parentCode', 'registry.productGroup.unknown');
  else if (parentCode !== null && (await groupAncestors(db, parentCode)).includes(input.code))
    problems.add('parentCode', 'registry.parent.cycle');
  problems.throwIfAny();
  return {
    parent_code: parentCode,
    name: name!,
    name_en: nameEn!,
    sort_order: input.sortOrder ?? 1000,
    active: input.active ?? true,
    search_text: foldForSearch(`${input.code} ${name} ${nameEn}`),
  };
}

export async function createProductGroup(
  db: Kysely<DB>,
  caller: Caller,
  input: ProductGroupInput,
): Promise<ProductGroup> {
  requirePermission(caller, 'province:write');
  const row = await validate(db, input);
  return inTransaction(db, async (trx) => {
    try {
      await trx
        .insertInto('product_group')
        .values({ code: input.code, ...row })
        .execute();
    } catch (e) {
      if (uniqueViolation(e) !== undefined) throw conflict('code', 'registry.productGroup.taken');
      throw e;
    }
    const created = await getProductGroup(trx, input.code);
    await recordAudit(trx, caller, {
      action: 'registry.productGroup.create',
      objectType: 'product_group',
      objectId: created.code,
      change: created,
    });
    return created;
  });
}

/** Changes names, parent, order or retires a group (`active: false`); the code never changes. */
export async function updateProductGroup(
  db: Kysely<DB>,
  caller: Caller,
  code: string,
  patch: Partial<Omit<ProductGroupInput, 'code'>>,
): Promise<ProductGroup> {
  requirePermission(caller, 'province:write');
  const existing = await getProductGroup(db, code);
  const row = await validate(db, { ...existing, ...patch, code });
  return inTransaction(db, async (trx) => {
    await trx
      .updateTable('product_group')
      .set({ ...row, updated_at: new Date() })
      .where('code', '=', code)
      .execute();
    const updated = await getProductGroup(trx, code);
    await recordAudit(trx, caller, {
      action: 'registry.productGroup.update',
      objectType: 'product_group',
      objectId: code,
      change: { before: existing, after: updated },
    });
    return updated;
  });
}
