import { sql, type Kysely } from 'kysely';
import { identifierKeyParts } from '../../epcis/event-index.ts';

/**
 * The recall workflow's remaining records:
 * - `recall_lot`: every lot a recall covers (the recalled lots and their impact), by GTIN and lot, so that "is this
 *   lot under an open recall?" — asked on every consumer scan — is one indexed lookup instead of a scan of the
 *   recalls' impact documents. Filled for the recalls opened before this migration from their stored impact.
 * - `recall_action`: what an affected organisation did with a lot it holds (quarantined, returned, destroyed), with
 *   the quantity and unit, a note, who and when.
 * - `shipment_rejection`: the receiver's refusal of a shipment (one lot of one shipping event), with its reason.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table recall_lot (
      recall_id text not null references recall(id) on delete cascade,
      identifier text not null,
      gtin text,
      lot text,
      direct boolean not null,
      primary key (recall_id, identifier)
    );
    create index recall_lot_gtin_lot on recall_lot (gtin, lot) where gtin is not null;
    create index recall_open on recall (id) where status = 'open' and not mock;

    create table recall_action (
      id text primary key,
      recall_id text not null references recall(id) on delete cascade,
      organisation_id text not null references organisation(id),
      lot text not null,
      action text not null check (action in ('quarantined', 'returned', 'destroyed')),
      quantity numeric not null check (quantity > 0),
      uom text not null,
      note text,
      recorded_by text,
      recorded_at timestamptz not null default now()
    );
    create index recall_action_recall on recall_action (recall_id, recorded_at);

    create table shipment_rejection (
      event_row bigint not null references epcis_event(id) on delete cascade,
      lot text not null,
      organisation_id text not null references organisation(id),
      reason text not null,
      rejected_by text,
      rejected_at timestamptz not null default now(),
      primary key (event_row, lot)
    );
  `.execute(db);

  await fillRecallLots(db);
}

/** The covered lots of the recalls opened before `recall_lot` existed, from their stored impact (idempotent). */
export async function fillRecallLots(db: Kysely<unknown>): Promise<void> {
  const recalls = await sql<{ id: string; lots: string[]; impact: { lots?: { identifier: string }[] } }>`
    select id, lots, impact from recall
  `.execute(db);
  for (const r of recalls.rows) {
    const covered = new Map<string, boolean>();
    for (const l of r.impact.lots ?? []) covered.set(l.identifier, false);
    for (const l of r.lots) covered.set(l, true);
    for (const [identifier, direct] of covered) {
      const { gtin, lot } = identifierKeyParts(identifier);
      await sql`
        insert into recall_lot (recall_id, identifier, gtin, lot, direct)
        values (${r.id}, ${identifier}, ${gtin}, ${lot}, ${direct})
        on conflict do nothing
      `.execute(db);
    }
  }
}
