import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { identifierKeyParts } from '../epcis/event-index.ts';
import { callerOrganisation, requirePermission, seesEverything, type Caller } from '../shared/caller.ts';
import { AppError } from '../shared/errors.ts';
import { balanceLot, type Finding } from './mass-balance.ts';
import { productsByGtin } from './trace.repository.ts';

/**
 * Shipment confirmation: a shipment of a lot to a registered organisation stays unconfirmed until the receiver
 * records a receiving event for it — matched by the business transaction (a despatch advice) when the shipment
 * names one, else by the lot and the two parties. A received quantity other than the shipped one is a finding
 * (the same comparison as the mass balance).
 */

export const SHIPMENT_STATUSES = ['unconfirmed', 'confirmed', 'all'] as const;
export type ShipmentStatusFilter = (typeof SHIPMENT_STATUSES)[number];

export interface ShipmentView {
  readonly eventID: string;
  readonly shippedAt: string;
  readonly lot: string;
  readonly gtin: string | null;
  readonly productName: string | null;
  readonly quantity: number | null;
  readonly uom: string | null;
  readonly from: { id: string; name: string } | null;
  readonly to: { id: string; name: string };
  readonly bizTransaction: string | null;
  readonly status: 'confirmed' | 'unconfirmed';
  readonly receipt: { eventID: string; receivedAt: string; quantity: number | null; uom: string | null } | null;
  readonly findings: Finding[];
}

interface Row {
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
}

/** Shipments the caller sent or was sent (every one for the province), newest first. */
export async function listShipments(
  db: Kysely<DB>,
  caller: Caller,
  options: { status?: ShipmentStatusFilter; limit?: number } = {},
): Promise<ShipmentView[]> {
  requirePermission(caller, 'epcis:query');
  const everything = seesEverything(caller);
  const own = callerOrganisation(caller);
  if (!everything && own === undefined) throw new AppError('forbidden', 'Shipments need an organisation');
  const status = options.status ?? 'all';
  const limit = Math.max(1, Math.min(options.limit ?? 200, 1000));
  const mine = everything
    ? sql`true`
    : sql`(s.from_organisation_id = ${own} or s.to_organisation_id = ${own}) and s.visible_to @> array[${own}]::text[]`;
  const statusFilter =
    status === 'all' ? sql`true` : status === 'confirmed' ? sql`r.event_id is not null` : sql`r.event_id is null`;
  const result = await sql<Row>`
    select ev.event_id, ev.event_time, s.from_node as lot, s.quantity, s.uom, s.from_organisation_id,
      s.to_organisation_id, fo.name as from_name, tor.name as to_name, s.biz_transaction,
      r.event_id as receipt_event_id, r.event_time as received_at, r.quantity as received_quantity,
      r.uom as received_uom
    from lot_edge s
    join epcis_event ev on ev.id = s.event_row
    join organisation tor on tor.id = s.to_organisation_id
    left join organisation fo on fo.id = s.from_organisation_id
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
      and ${mine} and ${statusFilter}
    order by ev.event_time desc, ev.event_id
    limit ${limit}
  `.execute(db);
  for (const r of result.rows) if (r.received_quantity !== null) r.received_quantity = Number(r.received_quantity);
  const gtins = result.rows.map((r) => identifierKeyParts(r.lot).gtin).filter((g): g is string => g !== null);
  const products = await productsByGtin(db, gtins);
  return result.rows.map((r) => {
    const gtin = identifierKeyParts(r.lot).gtin;
    const pairKey = r.biz_transaction ?? `${r.from_organisation_id ?? '?'}→${r.to_organisation_id}`;
    const findings =
      r.receipt_event_id === null
        ? []
        : balanceLot(r.lot, [
            {
              kind: 'shipped',
              quantity: { node: r.lot, quantity: r.quantity, uom: r.uom },
              pairKey,
              holder: r.from_organisation_id,
            },
            {
              kind: 'received',
              quantity: { node: r.lot, quantity: r.received_quantity, uom: r.received_uom },
              pairKey,
              holder: r.to_organisation_id,
            },
          ]).findings.filter((f) => f.code === 'received_less_than_shipped' || f.code === 'received_more_than_shipped');
    return {
      eventID: r.event_id,
      shippedAt: new Date(r.event_time).toISOString(),
      lot: r.lot,
      gtin,
      productName: gtin ? (products.get(gtin)?.name ?? null) : null,
      quantity: r.quantity,
      uom: r.uom,
      from: r.from_organisation_id ? { id: r.from_organisation_id, name: r.from_name ?? r.from_organisation_id } : null,
      to: { id: r.to_organisation_id, name: r.to_name },
      bizTransaction: r.biz_transaction,
      status: r.receipt_event_id === null ? 'unconfirmed' : 'confirmed',
      receipt:
        r.receipt_event_id === null
          ? null
          : {
              eventID: r.receipt_event_id,
              receivedAt: new Date(r.received_at!).toISOString(),
              quantity: r.received_quantity,
              uom: r.received_uom,
            },
      findings,
    };
  });
}
