import { sql, type Kysely } from 'kysely';

/**
 * Row-level security (migration 0022's role, settings and functions) on the EPCIS events and the remaining tables
 * that hold one organisation's private data. docs/security.md lists each table with who reads it and why.
 *
 * Events mirror the query service's rule (`src/epcis/query.repository.ts`): an event is visible to the
 * organisations in its `visible_to` (always the owner and the capturing provider, plus the trading partners named
 * as source or destination); only its owner may write it (a provider's scope includes the organisations that
 * delegated to it). Child tables without an organisation column follow their parent row: a row is visible
 * while the parent is (the subquery runs under the parent's own policy), and written only by the parent's owner.
 *
 * Reads and writes are separate policies (select; insert, update, delete): a write condition is not evaluated for
 * every row a query reads. The parent subqueries are primary-key lookups; with statistics, a `MATCH_epc` query still
 * starts from the EPC index (fresh tables without `analyze` can plan otherwise, policies or not).
 */
const ORGS = 'truyxuat_rls_orgs()';

/** Table → [condition to read, condition to write] on an `org` scope. */
const PROTECTED: Record<string, readonly [read: string, write: string]> = {
  epcis_event: [`visible_to && ${ORGS}`, `owner_organisation_id = any(${ORGS})`],
  // Capture writes one visibility row per organisation in the event's `visible_to`: the owner grants its trading
  // partners visibility of its own events, never itself (or anyone) visibility of another organisation's.
  epcis_event_visibility: [
    `organisation_id = any(${ORGS})`,
    `exists (select 1 from epcis_event p where p.id = event_row and p.owner_organisation_id = any(${ORGS})
       and p.visible_to @> array[organisation_id])`,
  ],
  epcis_event_epc: parentEvent(),
  epcis_event_link: parentEvent(),
  trace_error_declaration: parentEvent(),
  lot_edge: [`visible_to && ${ORGS}`, `owner_organisation_id = any(${ORGS})`],
  epcis_named_query: own(),
  epcis_subscription: own(),
  epcis_subscription_delivery: parent('epcis_subscription', 'subscription_id'),
  connector: own(),
  connector_run: parent('connector', 'connector_id'),
  notification_email: own(),
  notification_webhook_delivery: parent('notification_webhook', 'webhook_id'),
};

function own(): readonly [string, string] {
  return [`organisation_id = any(${ORGS})`, `organisation_id = any(${ORGS})`];
}

function parentEvent(): readonly [string, string] {
  return [
    `exists (select 1 from epcis_event p where p.id = event_row)`,
    `exists (select 1 from epcis_event p where p.id = event_row and p.owner_organisation_id = any(${ORGS}))`,
  ];
}

function parent(table: string, column: string): readonly [string, string] {
  const condition = `exists (select 1 from ${table} p where p.id = ${column})`;
  return [condition, condition];
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, [read, write]] of Object.entries(PROTECTED)) {
    await sql
      .raw(
        `alter table ${table} enable row level security;
         alter table ${table} force row level security;
         create policy ${table}_read on ${table} for select
           using (truyxuat_rls_system() or ${read});
         create policy ${table}_insert on ${table} for insert
           with check (truyxuat_rls_system() or ${write});
         create policy ${table}_update on ${table} for update
           using (truyxuat_rls_system() or ${write})
           with check (truyxuat_rls_system() or ${write});
         create policy ${table}_delete on ${table} for delete
           using (truyxuat_rls_system() or ${write});`,
      )
      .execute(db);
  }
}
