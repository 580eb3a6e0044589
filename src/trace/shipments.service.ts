import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { identifierKeyParts } from '../epcis/event-index.ts';
import { notify } from '../notifications/index.ts';
import { callerOrganisation, requirePermission, seesEverything, type Caller } from '../shared/caller.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { t } from '../shared/messages.ts';
import { balanceLot, type Finding } from './mass-balance.ts';
import * as repo from './shipments.repository.ts';
import { productsByGtin } from './trace.repository.ts';
import { inTransaction } from '../db/transaction.ts';

/**
 * Shipment confirmation: a shipment of a lot to a registered organisation stays unconfirmed until the receiver
 * records a receiving event for it — matched by the business transaction (a despatch advice) when the shipment
 * names one, else by the lot and the two parties — or rejects it with a reason. A received quantity other than the
 * shipped one is a finding (the same comparison as the mass balance); so is a rejection.
 */

export const SHIPMENT_STATUSES = ['unconfirmed', 'confirmed', 'rejected', 'all'] as const;
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
  /** `rejected` once the receiver refused it (whatever it recorded before), else confirmed by a receipt or not. */
  readonly status: 'confirmed' | 'unconfirmed' | 'rejected';
  readonly receipt: { eventID: string; receivedAt: string; quantity: number | null; uom: string | null } | null;
  readonly rejection: { reason: string; rejectedAt: string } | null;
  readonly findings: Finding[];
}

function scopeOf(caller: Caller): repo.ShipmentScope {
  if (seesEverything(caller)) return { kind: 'everything' };
  const own = callerOrganisation(caller);
  if (own === undefined) throw new AppError('forbidden', 'Shipments need an organisation');
  return { kind: 'organisation', organisationId: own };
}

/** Shipments the caller sent or was sent (every one for the province), newest first. */
export async function listShipments(
  db: Kysely<DB>,
  caller: Caller,
  options: { status?: ShipmentStatusFilter; limit?: number } = {},
): Promise<ShipmentView[]> {
  requirePermission(caller, 'epcis:query');
  const rows = await repo.selectShipments(db, scopeOf(caller), {
    status: options.status ?? 'all',
    limit: Math.max(1, Math.min(options.limit ?? 200, 1000)),
  });
  return views(db, rows);
}

async function views(db: Kysely<DB>, rows: readonly repo.ShipmentRow[]): Promise<ShipmentView[]> {
  const gtins = rows.map((r) => identifierKeyParts(r.lot).gtin).filter((g): g is string => g !== null);
  const products = await productsByGtin(db, gtins);
  return rows.map((r) => {
    const gtin = identifierKeyParts(r.lot).gtin;
    const pairKey = r.biz_transaction ?? `${r.from_organisation_id ?? '?'}→${r.to_organisation_id}`;
    const findings: Finding[] =
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
    if (r.rejection_reason !== null)
      findings.push({
        code: 'shipment_rejected',
        messageKey: 'trace.finding.shipment_rejected',
        severity: 'high',
        subject: r.lot,
        message: t('en', 'trace.finding.shipment_rejected', { reason: r.rejection_reason }),
        details: { reason: r.rejection_reason, receiver: r.to_organisation_id },
      });
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
      status: r.rejection_reason !== null ? 'rejected' : r.receipt_event_id === null ? 'unconfirmed' : 'confirmed',
      receipt:
        r.receipt_event_id === null
          ? null
          : {
              eventID: r.receipt_event_id,
              receivedAt: new Date(r.received_at!).toISOString(),
              quantity: r.received_quantity,
              uom: r.received_uom,
            },
      rejection:
        r.rejection_reason === null
          ? null
          : { reason: r.rejection_reason, rejectedAt: new Date(r.rejected_at!).toISOString() },
      findings,
    };
  });
}

/**
 * The receiver rejects a shipment of a lot (the shipping event by its eventID) with a reason: the shipment's state
 * becomes `rejected` for both parties, a finding, and the sender is notified. Only the receiver rejects (403 for
 * the sender); a shipment the caller cannot see answers 404; a second rejection 409.
 */
export async function rejectShipment(
  db: Kysely<DB>,
  caller: Caller,
  input: { eventID: string; lot: string; reason: string },
): Promise<ShipmentView> {
  requirePermission(caller, 'epcis:capture');
  const own = callerOrganisation(caller);
  if (own === undefined) throw new AppError('forbidden', t('en', 'trace.shipment.notReceiver'));
  const reason = input.reason.trim();
  if (reason === '')
    throw new AppError('validation', t('en', 'trace.shipment.rejectReason'), {
      fields: [
        { field: 'reason', message: t('en', 'trace.shipment.rejectReason'), messageKey: 'trace.shipment.rejectReason' },
      ],
    });
  const edges = await repo.findShipmentEdges(db, input.eventID, input.lot, own);
  if (edges.length === 0) throw notFound('Shipment');
  const edge = edges.find((e) => e.to_organisation_id === own);
  if (!edge) throw new AppError('forbidden', t('en', 'trace.shipment.notReceiver'));
  const write = async (trx: Transaction<DB>) => {
    const inserted = await repo.insertShipmentRejection(trx, {
      event_row: edge.event_row,
      lot: input.lot,
      organisation_id: own,
      reason,
      rejected_by:
        caller.kind === 'user'
          ? `user:${caller.userId}`
          : caller.kind === 'apiKey'
            ? `apiKey:${caller.apiKeyId}`
            : null,
    });
    if (!inserted) throw new AppError('conflict', t('en', 'trace.shipment.rejectedAlready'));
    if (edge.from_organisation_id !== null && edge.from_organisation_id !== own) {
      const { lot, gtin } = identifierKeyParts(input.lot);
      await notify(trx, {
        organisationId: edge.from_organisation_id,
        kind: 'shipment.rejected',
        titleKey: 'trace.notification.shipmentRejected',
        params: {
          receiver: await repo.organisationName(trx, own),
          lot: lot && gtin ? `${lot} (GTIN ${gtin})` : input.lot,
          reason: reason.slice(0, 300),
        },
        link: '/app/shipments?status=rejected',
        payload: { eventID: input.eventID, lot: input.lot, reason },
      });
    }
  };
  // In the caller's transaction when there is one (an Idempotency-Key request stores its answer with it).
  await inTransaction(db, write);
  const rows = await repo.selectShipments(
    db,
    { kind: 'organisation', organisationId: own },
    { status: 'all', limit: 1, only: { eventRow: edge.event_row, lot: input.lot } },
  );
  return (await views(db, rows))[0]!;
}
