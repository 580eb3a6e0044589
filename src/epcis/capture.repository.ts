import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { CaptureError } from './epcis.tables.ts';
import { identifierKeyParts, type IndexedEpc, type IndexedLink } from './event-index.ts';
import type { MasterData } from './model.ts';

/** SQL of capture: capture jobs, and the batched insert of events with their identifier and link rows. */

type Db = Kysely<DB> | Transaction<DB>;

export interface EventRow {
  readonly eventId: string;
  readonly eventHash: string;
  readonly eventType: string;
  readonly eventTime: string;
  readonly eventTimeZoneOffset: string;
  readonly action: string | null;
  readonly bizStep: string | null;
  readonly disposition: string | null;
  readonly readPoint: string | null;
  readonly bizLocation: string | null;
  readonly transformationId: string | null;
  readonly errorDeclarationTime: string | null;
  readonly errorReason: string | null;
  readonly ownerOrganisationId: string;
  readonly viaOrganisationId: string | null;
  readonly visibleTo: string[];
  readonly captureJobId: string | null;
  readonly channel: string;
  readonly namespaces: Record<string, string>;
  readonly document: Record<string, unknown>;
  readonly epcs: readonly IndexedEpc[];
  readonly links: readonly (IndexedLink & { organisationId: string | null })[];
}

const CHUNK = 1000;

/**
 * The rows' namespaces as one parameter when the chunk shares one object (the rows of one document do), else one
 * per row: the shared map is turned into jsonb once per statement, not once per event.
 */
function namespacesParameters(chunk: readonly EventRow[]): { shared: string | null; perRow: (string | null)[] } {
  const first = chunk[0]?.namespaces;
  return chunk.every((r) => r.namespaces === first)
    ? { shared: JSON.stringify(first ?? {}), perRow: chunk.map(() => null) }
    : { shared: null, perRow: chunk.map((r) => JSON.stringify(r.namespaces)) };
}

/**
 * Inserts events, skipping any whose hash or eventID the owner has stored already. Returns hash → row id of the
 * inserted ones; the caller decides whether a skipped event is a harmless duplicate or an eventID clash.
 *
 * Rows go in as one array per column through `unnest`: one statement of a dozen parameters per thousand events,
 * which PostgreSQL parses and plans once (a multi-row VALUES list costs a parameter per cell).
 */
export async function insertEvents(db: Transaction<DB>, rows: readonly EventRow[]): Promise<Map<string, string>> {
  const inserted = new Map<string, string>();
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    const col = <T>(pick: (r: EventRow) => T) => chunk.map(pick);
    const ns = namespacesParameters(chunk);
    const result = await sql<{ id: string; event_hash: string; record_time: string }>`
      insert into epcis_event (event_id, event_hash, event_type, event_time, event_time_zone_offset, action, biz_step,
        disposition, read_point, biz_location, transformation_id, error_declaration_time, error_reason,
        owner_organisation_id, via_organisation_id, visible_to, capture_job_id, channel, namespaces, document)
      select u.event_id, u.event_hash, u.event_type, u.event_time, u.tz, u.action, u.biz_step, u.disposition,
        u.read_point, u.biz_location, u.transformation_id, u.error_time, u.error_reason, u.owner, u.via,
        string_to_array(u.visible, ','), u.job, u.channel, coalesce(u.namespaces::jsonb, ${ns.shared}::jsonb),
        u.document::jsonb
      from unnest(
        ${col((r) => r.eventId)}::text[], ${col((r) => r.eventHash)}::text[], ${col((r) => r.eventType)}::text[],
        ${col((r) => r.eventTime)}::timestamptz[], ${col((r) => r.eventTimeZoneOffset)}::text[],
        ${col((r) => r.action)}::text[], ${col((r) => r.bizStep)}::text[], ${col((r) => r.disposition)}::text[],
        ${col((r) => r.readPoint)}::text[], ${col((r) => r.bizLocation)}::text[], ${col((r) => r.transformationId)}::text[],
        ${col((r) => r.errorDeclarationTime)}::timestamptz[], ${col((r) => r.errorReason)}::text[],
        ${col((r) => r.ownerOrganisationId)}::text[], ${col((r) => r.viaOrganisationId)}::text[],
        ${col((r) => r.visibleTo.join(','))}::text[], ${col((r) => r.captureJobId)}::text[], ${col((r) => r.channel)}::text[],
        ${ns.perRow}::text[], ${col((r) => JSON.stringify(r.document))}::text[]
      ) as u(event_id, event_hash, event_type, event_time, tz, action, biz_step, disposition, read_point, biz_location,
        transformation_id, error_time, error_reason, owner, via, visible, job, channel, namespaces, document)
      on conflict do nothing
      returning id::text as id, event_hash, record_time::text as record_time
    `.execute(db);
    const idByHash = new Map(result.rows.map((r) => [r.event_hash, r.id]));
    const recordTime = new Map(result.rows.map((r) => [r.event_hash, r.record_time]));
    for (const [hash, id] of idByHash) inserted.set(hash, id);

    // One visibility row per organisation that may see a new event, from what was just inserted (the event's own
    // time, step and returned record time), not by looking the new rows up again. A separate statement: the
    // row-level-security check of a visibility row reads its event, which a sibling CTE's insert would hide.
    const visibility: { org: string; row: string; r: EventRow; recordTime: string }[] = [];
    const epcs: { row: string; e: IndexedEpc }[] = [];
    const links: { row: string; l: EventRow['links'][number] }[] = [];
    for (const r of chunk) {
      const id = idByHash.get(r.eventHash);
      if (id === undefined) continue;
      for (const org of new Set(r.visibleTo))
        visibility.push({ org, row: id, r, recordTime: recordTime.get(r.eventHash)! });
      for (const e of r.epcs) epcs.push({ row: id, e });
      for (const l of r.links) links.push({ row: id, l });
    }
    if (visibility.length > 0) {
      await sql`
        insert into epcis_event_visibility (organisation_id, event_row, event_time, record_time, biz_step)
        select * from unnest(${visibility.map((v) => v.org)}::text[], ${visibility.map((v) => v.row)}::bigint[],
          ${visibility.map((v) => v.r.eventTime)}::timestamptz[], ${visibility.map((v) => v.recordTime)}::timestamptz[],
          ${visibility.map((v) => v.r.bizStep)}::text[])
      `.execute(db);
    }
    if (epcs.length > 0) {
      await sql`
        insert into epcis_event_epc (event_row, role, epc, is_class, gtin, lot, serial, quantity, uom)
        select * from unnest(${epcs.map((x) => x.row)}::bigint[], ${epcs.map((x) => x.e.role)}::text[],
          ${epcs.map((x) => x.e.epc)}::text[], ${epcs.map((x) => x.e.isClass)}::boolean[], ${epcs.map((x) => x.e.gtin)}::text[],
          ${epcs.map((x) => x.e.lot)}::text[], ${epcs.map((x) => x.e.serial)}::text[],
          ${epcs.map((x) => x.e.quantity)}::double precision[], ${epcs.map((x) => x.e.uom)}::text[])
      `.execute(db);
    }
    if (links.length > 0) {
      await sql`
        insert into epcis_event_link (event_row, kind, type, value, organisation_id)
        select * from unnest(${links.map((x) => x.row)}::bigint[], ${links.map((x) => x.l.kind)}::text[],
          ${links.map((x) => x.l.type)}::text[], ${links.map((x) => x.l.value)}::text[], ${links.map((x) => x.l.organisationId)}::text[])
      `.execute(db);
    }
  }
  return inserted;
}

/**
 * Adds a later error declaration to events the organisation has stored: the declaration time and reason columns,
 * the `errorDeclaration` member of the document and the corrective-event links. An event that carries a
 * declaration already keeps the first one.
 */
export async function recordErrorDeclarations(
  db: Db,
  organisationId: string,
  rows: readonly EventRow[],
): Promise<void> {
  for (const r of rows) {
    const updated = await sql<{ id: string }>`
      update epcis_event set error_declaration_time = ${r.errorDeclarationTime}::timestamptz, error_reason = ${r.errorReason},
        document = document || jsonb_build_object('errorDeclaration', ${JSON.stringify(r.document.errorDeclaration)}::jsonb)
      where owner_organisation_id = ${organisationId} and event_hash = ${r.eventHash} and error_declaration_time is null
      returning id::text as id
    `.execute(db);
    const row = updated.rows[0];
    if (!row) continue;
    const corrective = r.links.filter((l) => l.kind === 'correctiveEventID');
    if (corrective.length > 0) {
      await db
        .insertInto('epcis_event_link')
        .values(
          corrective.map((l) => ({
            event_row: row.id,
            kind: l.kind,
            type: l.type,
            value: l.value,
            organisation_id: null,
          })),
        )
        .execute();
    }
  }
}

/**
 * Stores the master data of a document header for the capturing organisation: attributes merge into what it
 * declared before (a later value wins), children replace the previous list. Identifiers are kept in canonical form
 * so that queries match them against the events' fields.
 */
export async function upsertMasterData(db: Db, organisationId: string, masterData: MasterData): Promise<void> {
  for (const vocabulary of masterData.vocabularyList) {
    for (const element of vocabulary.vocabularyElementList) {
      const attributes = Object.fromEntries((element.attributes ?? []).map((a) => [a.id, a.attribute]));
      const children = (element.children ?? []).map((c) => identifierKeyParts(c).canonical);
      await sql`
        insert into epcis_master_data (organisation_id, vocabulary_type, element_id, attributes, children)
        values (${organisationId}, ${vocabulary.type}, ${identifierKeyParts(element.id).canonical}, ${JSON.stringify(attributes)}::jsonb, ${children}::text[])
        on conflict (organisation_id, vocabulary_type, element_id) do update
          set attributes = epcis_master_data.attributes || excluded.attributes,
              children = case when cardinality(excluded.children) > 0 then excluded.children else epcis_master_data.children end,
              updated_at = now()
      `.execute(db);
    }
  }
}

/** Which of these hashes the organisation has stored already (duplicates are idempotent re-captures). */
export async function existingHashes(db: Db, organisationId: string, hashes: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < hashes.length; i += CHUNK * 4) {
    const slice = hashes.slice(i, i + CHUNK * 4);
    if (slice.length === 0) continue;
    const rows = await db
      .selectFrom('epcis_event')
      .select('event_hash')
      .where('owner_organisation_id', '=', organisationId)
      .where('event_hash', 'in', slice)
      .execute();
    for (const r of rows) found.add(r.event_hash);
  }
  return found;
}

/** Organisations behind GLNs: an organisation's primary GLN or the GLN of one of its locations. */
export async function organisationsByGln(db: Db, glns: readonly string[]): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  if (glns.length === 0) return map;
  const unique = [...new Set(glns)];
  const rows = await sql<{ gln: string; organisation_id: string }>`
    select primary_gln as gln, id as organisation_id from organisation where primary_gln in (${sql.join(unique)})
    union all
    select gln, organisation_id from location where gln in (${sql.join(unique)})
  `.execute(db);
  for (const r of rows.rows) if (!map.has(r.gln)) map.set(r.gln, r.organisation_id);
  return map;
}

export async function insertCaptureJob(
  db: Db,
  row: {
    id: string;
    organisation_id: string;
    via_organisation_id: string | null;
    captured_by: string | null;
    channel: string;
    error_behaviour: string;
    event_count: number;
    errors: CaptureError[];
    payload: unknown;
  },
): Promise<void> {
  await db
    .insertInto('capture_job')
    .values({ ...row, errors: JSON.stringify(row.errors), payload: JSON.stringify(row.payload) })
    .execute();
}

export async function findCaptureJob(db: Db, id: string) {
  return db.selectFrom('capture_job').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listCaptureJobs(db: Db, organisationId: string | undefined, limit: number, before?: string) {
  let q = db
    .selectFrom('capture_job')
    .select([
      'id',
      'organisation_id',
      'status',
      'error_behaviour',
      'event_count',
      'stored_count',
      'duplicate_count',
      'errors',
      'created_at',
      'finished_at',
      'channel',
    ])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
  if (organisationId !== undefined) q = q.where('organisation_id', '=', organisationId);
  if (before !== undefined) q = q.where('id', '<', before);
  return q.execute();
}

export async function markCaptureJob(
  db: Db,
  id: string,
  patch: {
    status: string;
    stored_count?: number;
    duplicate_count?: number;
    errors?: CaptureError[];
    clearPayload?: boolean;
  },
): Promise<void> {
  await db
    .updateTable('capture_job')
    .set({
      status: patch.status,
      ...(patch.stored_count !== undefined ? { stored_count: patch.stored_count } : {}),
      ...(patch.duplicate_count !== undefined ? { duplicate_count: patch.duplicate_count } : {}),
      ...(patch.errors !== undefined ? { errors: JSON.stringify(patch.errors) } : {}),
      ...(patch.clearPayload ? { payload: null } : {}),
      ...(patch.status === 'done' || patch.status === 'failed' ? { finished_at: new Date() } : {}),
    })
    .where('id', '=', id)
    .execute();
}
