import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import type { ComplianceResult, StandardProfile } from './profile.ts';
import type { StandardTable } from './standards.tables.ts';

export type StandardRow = Selectable<StandardTable>;
export type StandardStatus = StandardRow['status'];

export interface StandardFilter {
  readonly statuses: readonly StandardStatus[];
  readonly productGroup?: string | undefined;
  readonly profileId?: string | undefined;
  readonly limit: number;
  readonly offset: number;
}

export async function listStandards(
  db: Kysely<DB>,
  f: StandardFilter,
): Promise<{ items: StandardRow[]; total: number }> {
  let q = db.selectFrom('standard').where('status', 'in', [...f.statuses]);
  if (f.productGroup !== undefined) q = q.where(sql<boolean>`${f.productGroup} = any(product_groups)`);
  if (f.profileId !== undefined) q = q.where('profile_id', '=', f.profileId);
  const [items, count] = await Promise.all([
    q.selectAll().orderBy('profile_id').orderBy('version', 'desc').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

export async function findStandard(db: Kysely<DB>, id: string): Promise<StandardRow | undefined> {
  return db.selectFrom('standard').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function latestVersion(db: Kysely<DB>, profileId: string): Promise<number> {
  const row = await db
    .selectFrom('standard')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('profile_id', '=', profileId)
    .executeTakeFirst();
  return Number(row?.v ?? 0);
}

export async function insertDraft(
  db: Kysely<DB>,
  profile: StandardProfile,
  createdBy: string | null,
): Promise<StandardRow> {
  return db
    .insertInto('standard')
    .values({
      id: `${profile.id}@${profile.version}`,
      profile_id: profile.id,
      version: profile.version,
      status: 'draft',
      title: profile.title.vi,
      title_en: profile.title.en,
      product_groups: [...profile.productGroups],
      document: JSON.stringify(profile),
      created_by: createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateDraft(
  db: Kysely<DB>,
  id: string,
  profile: StandardProfile,
): Promise<StandardRow | undefined> {
  return db
    .updateTable('standard')
    .set({
      title: profile.title.vi,
      title_en: profile.title.en,
      product_groups: [...profile.productGroups],
      document: JSON.stringify(profile),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .returningAll()
    .executeTakeFirst();
}

/** Publishes a draft and supersedes the profile's published version, in one transaction. */
export async function publish(db: Kysely<DB>, id: string, profileId: string): Promise<StandardRow | undefined> {
  return inTransaction(db, async (tx) => {
    const now = new Date();
    await tx
      .updateTable('standard')
      .set({ status: 'superseded', superseded_at: now, updated_at: now })
      .where('profile_id', '=', profileId)
      .where('status', '=', 'published')
      .execute();
    return tx
      .updateTable('standard')
      .set({ status: 'published', published_at: now, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'draft')
      .returningAll()
      .executeTakeFirst();
  });
}

export async function insertEvaluation(
  db: Kysely<DB>,
  row: {
    standardId: string;
    result: ComplianceResult;
    lot: string | null;
    organisationId: string | null;
    eventIds: string[];
    evaluatedBy: string | null;
  },
): Promise<{ id: string; evaluatedAt: Date }> {
  const inserted = await db
    .insertInto('standard_evaluation')
    .values({
      standard_id: row.standardId,
      profile_id: row.result.profileId,
      version: row.result.profileVersion,
      lot: row.lot,
      organisation_id: row.organisationId,
      score: row.result.score,
      errors: row.result.errors,
      warnings: row.result.warnings,
      findings: JSON.stringify(row.result.findings),
      event_ids: row.eventIds,
      evaluated_by: row.evaluatedBy,
    })
    .returning(['id', 'evaluated_at'])
    .executeTakeFirstOrThrow();
  return { id: String(inserted.id), evaluatedAt: inserted.evaluated_at };
}

/** Registry master data of locations by GLN, for `$location.` paths. */
export async function locationAttributes(
  db: Kysely<DB>,
  glns: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  if (glns.length === 0) return new Map();
  const rows = await db
    .selectFrom('location')
    .select(['gln', 'growing_area_code', 'packing_house_code'])
    .where('gln', 'in', [...glns])
    .execute();
  return new Map(
    rows.map((r) => [
      r.gln,
      {
        ...(r.growing_area_code ? { growingAreaCode: r.growing_area_code } : {}),
        ...(r.packing_house_code ? { packingHouseCode: r.packing_house_code } : {}),
      },
    ]),
  );
}

/** Lots (class-level Digital Links) that left an organisation in a shipment. */
export async function shippedLots(db: Kysely<DB>): Promise<{ lot: string; organisationId: string }[]> {
  const rows = await db
    .selectFrom('lot_edge')
    .select(['from_node', 'owner_organisation_id'])
    .distinct()
    .where('kind', '=', 'shipment')
    .where('declared_erroneous', '=', false)
    .orderBy('from_node')
    .execute();
  const seen = new Set<string>();
  return rows
    .filter((r) => !seen.has(r.from_node) && seen.add(r.from_node))
    .map((r) => ({ lot: r.from_node, organisationId: r.owner_organisation_id }));
}

export interface EvaluationRow {
  id: string;
  standard_id: string;
  profile_id: string;
  version: number;
  lot: string | null;
  organisation_id: string | null;
  score: number;
  errors: number;
  warnings: number;
  findings: unknown;
  evaluated_at: Date;
}

/** Latest evaluations first; `organisationId` limits them to one organisation's. */
export async function listEvaluations(
  db: Kysely<DB>,
  f: { lot?: string | undefined; organisationId?: string | undefined; limit: number; offset: number },
): Promise<{ items: EvaluationRow[]; total: number }> {
  let q = db.selectFrom('standard_evaluation');
  if (f.lot !== undefined) q = q.where('lot', '=', f.lot);
  if (f.organisationId !== undefined) q = q.where('organisation_id', '=', f.organisationId);
  const [items, count] = await Promise.all([
    q
      .select([
        'id',
        'standard_id',
        'profile_id',
        'version',
        'lot',
        'organisation_id',
        'score',
        'errors',
        'warnings',
        'findings',
        'evaluated_at',
      ])
      .orderBy('evaluated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: items.map((r) => ({ ...r, id: String(r.id) })), total: Number(count.n) };
}

export async function productGroupsByGtin(db: Kysely<DB>, gtins: readonly string[]): Promise<Map<string, string>> {
  if (gtins.length === 0) return new Map();
  const rows = await db
    .selectFrom('product')
    .select(['gtin', 'group_code'])
    .where('gtin', 'in', [...gtins])
    .execute();
  return new Map(rows.map((r) => [r.gtin, r.group_code]));
}
