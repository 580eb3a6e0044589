import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/** SQL of shipment confirmation: shipments with their receipts and rejections, and the rejections themselves. */

export interface ShipmentRow {
  event_row: string;
  event_id: string;
  event_time: Date | string;
  lot: string;
  quantity: number | null;
  uom: string | null;
  from_organisation_id: string | null;
  to_organisation_id: string;
  from_name: string | null;
  to_name: string;
  biz_transaction: string | null;
  receipt_event_id: string | null;
  received_at: Date | string | null;
  received_quantity: number | null;
  received_uom: string | null;
  rejection_reason: string | null;
  rejected_at: Date | string | null;
}

export type ShipmentScope = { kind: 'everything' } | { kind: 'organisation'; organisationId: string };

/**
 * Shipment edges to a registered organisation with the receiver's receipts summed (same business transaction,
 * else same source) and the receiver's rejection; newest first.
 */
export async function selectShipments(
  db: Kysely<DB>,
  scope: ShipmentScope,
  options: {
    status: 'unconfirmed' | 'confirmed' | 'rejected' | 'all';
    limit: number;
    only?: { eventRow: string; lot: string };
  },
): Promise<ShipmentRow[]> {
  const mine =
    scope.kind === 'everything'
      ? sql`true`
      : sql`(s.from_organisation_id = ${scope.organisationId} or s.to_organisation_id = ${scope.organisationId})
          and s.visible_to @> array[${scope.organisationId}]::text[]`;
  const statusFilter =
    options.status === 'all'
      ? sql`true`
      : options.status === 'rejected'
        ? sql`sr.event_row is not null`
        : options.status === 'confirmed'
          ? sql`sr.event_row is null and r.event_id is not null`
          : sql`sr.event_row is null and r.event_id is null`;
  const only = options.only
    ? sql`and s.event_row = ${options.only.eventRow} and s.from_node = ${options.only.lot}`
    : sql``;
  const result = await sql<ShipmentRow>`
    select s.event_row::text as event_row, ev.event_id, ev.event_time, s.from_node as lot, s.quantity, s.uom,
      s.from_organisation_id, s.to_organisation_id, fo.name as from_name, tor.name as to_name, s.biz_transaction,
      r.event_id as receipt_event_id, r.event_time as received_at, r.quantity as received_quantity,
      r.uom as received_uom, sr.reason as rejection_reason, sr.rejected_at
    from lot_edge s
    join epcis_event ev on ev.id = s.event_row
    join organisation tor on tor.id = s.to_organisation_id
    left join organisation fo on fo.id = s.from_organisation_id
    left join shipment_rejection sr on sr.event_row = s.event_row and sr.lot = s.from_node
    left join lateral (
      select min(rev.event_id) as event_id, min(rev.event_time) as event_time,
        sum(re.quantity) as quantity, min(re.uom) as uom
      from lot_edge re join epcis_event rev on rev.id = re.event_row
      where re.kind = 'receipt' and not re.declared_erroneous and re.from_node = s.from_node
        and re.owner_organisation_id = s.to_organisation_id
        and (case when s.biz_transaction is not null then re.biz_transaction = s.biz_transaction
             else re.from_organisation_id is not distinct from s.from_organisation_id end)
      having count(*) > 0
    ) r on true
    where s.kind = 'shipment' and not s.declared_erroneous and s.to_organisation_id is not null
      and ${mine} and ${statusFilter} ${only}
    order by ev.event_time desc, ev.event_id
    limit ${options.limit}
  `.execute(db);
  for (const r of result.rows) if (r.received_quantity !== null) r.received_quantity = Number(r.received_quantity);
  return result.rows;
}

/** The shipment edges of a lot in the shipping event(s) with this eventID that the organisation may see. */
export async function findShipmentEdges(
  db: Kysely<DB>,
  eventID: string,
  lot: string,
  organisationId: string | null,
): Promise<{ event_row: string; from_organisation_id: string | null; to_organisation_id: string | null }[]> {
  const visible = organisationId === null ? sql`true` : sql`s.visible_to @> array[${organisationId}]::text[]`;
  const result = await sql<{
    event_row: string;
    from_organisation_id: string | null;
    to_organisation_id: string | null;
  }>`
    select s.event_row::text as event_row, s.from_organisation_id, s.to_organisation_id
    from epcis_event ev join lot_edge s on s.event_row = ev.id
    where ev.event_id = ${eventID} and s.kind = 'shipment' and not s.declared_erroneous and s.from_node = ${lot}
      and ${visible}
  `.execute(db);
  return result.rows;
}

/** Inserts the rejection; false when the shipment was rejected already. */
export async function insertShipmentRejection(
  db: Kysely<DB>,
  row: { event_row: string; lot: string; organisation_id: string; reason: string; rejected_by: string | null },
): Promise<boolean> {
  const inserted = await db
    .insertInto('shipment_rejection')
    .values(row)
    .onConflict((oc) => oc.columns(['event_row', 'lot']).doNothing())
    .returning('lot')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function organisationName(db: Kysely<DB>, id: string): Promise<string> {
  const row = await db.selectFrom('organisation').select('name').where('id', '=', id).executeTakeFirst();
  return row?.name ?? id;
}
