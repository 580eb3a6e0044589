import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { CaptureError } from './epcis.tables.ts';
import type { IndexedEpc, IndexedLink } from './event-index.ts';

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

const CHUNK = 500;

/**
 * Inserts events, skipping any whose hash or eventID is already stored. Returns the hashes that were inserted;
 * the caller decides whether a skipped event is a harmless duplicate or an eventID clash.
 */
export async function insertEvents(db: Transaction<DB>, rows: readonly EventRow[]): Promise<Map<string, string>> {
  const inserted = new Map<string, string>();
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    const result = await db
      .insertInto('epcis_event')
      .values(
        chunk.map((r) => ({
          event_id: r.eventId,
          event_hash: r.eventHash,
          event_type: r.eventType,
          event_time: r.eventTime,
          event_time_zone_offset: r.eventTimeZoneOffset,
          action: r.action,
          biz_step: r.bizStep,
          disposition: r.disposition,
          read_point: r.readPoint,
          biz_location: r.bizLocation,
          transformation_id: r.transformationId,
          error_declaration_time: r.errorDeclarationTime,
          error_reason: r.errorReason,
          owner_organisation_id: r.ownerOrganisationId,
          via_organisation_id: r.viaOrganisationId,
          visible_to: r.visibleTo,
          capture_job_id: r.captureJobId,
          channel: r.channel,
          namespaces: JSON.stringify(r.namespaces),
          document: JSON.stringify(r.document),
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .returning(['id', 'event_hash'])
      .execute();
    const idByHash = new Map(result.map((r) => [r.event_hash, String(r.id)]));
    for (const [hash, id] of idByHash) inserted.set(hash, id);
    const epcRows = chunk.flatMap((r) => {
      const id = idByHash.get(r.eventHash);
      return id === undefined
        ? []
        : r.epcs.map((e) => ({
            event_row: id,
            role: e.role,
            epc: e.epc,
            is_class: e.isClass,
            gtin: e.gtin,
            lot: e.lot,
            serial: e.serial,
            quantity: e.quantity,
            uom: e.uom,
          }));
    });
    for (let i = 0; i < epcRows.length; i += CHUNK * 2) {
      await db
        .insertInto('epcis_event_epc')
        .values(epcRows.slice(i, i + CHUNK * 2))
        .execute();
    }
    const linkRows = chunk.flatMap((r) => {
      const id = idByHash.get(r.eventHash);
      return id === undefined
        ? []
        : r.links.map((l) => ({
            event_row: id,
            kind: l.kind,
            type: l.type,
            value: l.value,
            organisation_id: l.organisationId,
          }));
    });
    for (let i = 0; i < linkRows.length; i += CHUNK * 2) {
      await db
        .insertInto('epcis_event_link')
        .values(linkRows.slice(i, i + CHUNK * 2))
        .execute();
    }
  }
  return inserted;
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
