import { sql, type Kysely } from 'kysely';

/**
 * Row-level security (0022's role, settings and functions; 0026/0028's style) on `shipment_rejection`: the
 * receiver's refusal of a lot of a shipping event, with its reason. Both sides of the shipment read it (the sender
 * sees why its goods came back): a row is readable where its shipping event is, which the event's own policy
 * decides inside the sub-query. Only the refusing organisation writes it, and only on an event it can see.
 */
const ORGS = 'truyxuat_rls_orgs()';
const EVENT_VISIBLE = 'exists (select 1 from epcis_event p where p.id = shipment_rejection.event_row)';
const OWN = `organisation_id = any(${ORGS})`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `alter table shipment_rejection enable row level security;
       alter table shipment_rejection force row level security;
       create policy shipment_rejection_read on shipment_rejection for select
         using (truyxuat_rls_system() or ${EVENT_VISIBLE});
       create policy shipment_rejection_insert on shipment_rejection for insert
         with check (truyxuat_rls_system() or (${OWN} and ${EVENT_VISIBLE}));
       create policy shipment_rejection_update on shipment_rejection for update
         using (truyxuat_rls_system() or ${OWN})
         with check (truyxuat_rls_system() or ${OWN});
       create policy shipment_rejection_delete on shipment_rejection for delete
         using (truyxuat_rls_system() or ${OWN});`,
    )
    .execute(db);
}
