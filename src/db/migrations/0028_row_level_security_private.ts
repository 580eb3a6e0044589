import { sql, type Kysely } from 'kysely';

/**
 * Row-level security (migration 0022's role, settings and functions; 0026's style: separate read and write
 * policies, a child row follows its parent) on the remaining tables of one organisation's private data: event
 * photos, scan alerts, consumers' problem reports, the scan log, the recall workflow and self-registrations.
 * docs/security.md lists each table with who reads and writes it.
 *
 * A recall is shared by its opener and the organisations it names (`recall_organisation`), and each of the two
 * tables needs the other to decide: policies that read each other recurse, so `truyxuat_rls_recall_party` answers
 * "does the scope open or appear in this recall" with every row visible (its own `truyxuat.scope` is `system` for
 * the call; the caller's organisations come as an argument).
 */
const ORGS = 'truyxuat_rls_orgs()';
const PARTY = (column: string) => `truyxuat_rls_recall_party(${column}, ${ORGS})`;
const OPENER = (column: string) =>
  `exists (select 1 from recall p where p.id = ${column} and p.organisation_id = any(${ORGS}))`;

interface Conditions {
  readonly read: string;
  readonly insert: string;
  /** Rows an update may reach (and `select … for update` may lock), and the check on the changed row. */
  readonly update?: readonly [using: string, check: string];
  readonly delete?: string;
}

const OWN = `organisation_id = any(${ORGS})`;

/** Table → conditions on an `org` scope (`system` sees and writes every row, `none` no row). */
const PROTECTED: Record<string, Conditions> = {
  // The service shows photos to the event's owner only (and the province); the owner attaches them to its events.
  event_photo: {
    read: OWN,
    insert: `${OWN} and exists (select 1 from epcis_event p where p.id = event_row and p.owner_organisation_id = any(${ORGS}))`,
  },
  // Raised by the scan-check job (system) for the product's brand owner, acknowledged by it (or the province).
  alert: { read: OWN, insert: OWN },
  // Listed to the brand owner; a consumer's report is stored by `reportProblem` as the system (the address rate
  // limit counts reports of every brand), so no anonymous insert is admitted here.
  problem_report: { read: OWN, insert: OWN },
  // The brand owner reads the scans of its products; only the batch writer (system) writes the log.
  scan: {
    read: `exists (select 1 from product p where p.gtin = scan.gtin and p.organisation_id = any(${ORGS}))`,
    insert: 'false',
  },
  // The opener and the named organisations read; the opener writes. Acknowledgements and actions lock the recall
  // row (`for update` needs the update policy's rows), so every party reaches it, but only the opener changes it.
  recall: { read: PARTY('id'), insert: OWN, update: [PARTY('id'), OWN], delete: OWN },
  // The opener names the organisations; each acknowledges on its own row.
  recall_organisation: {
    read: PARTY('recall_id'),
    insert: OPENER('recall_id'),
    update: [OWN, OWN],
    delete: OPENER('recall_id'),
  },
  // Steps are reached by any party (the last acknowledgement, a spreadsheet produced by an affected organisation).
  recall_step: { read: PARTY('recall_id'), insert: PARTY('recall_id') },
  recall_lot: { read: PARTY('recall_id'), insert: OPENER('recall_id') },
  // An affected organisation records what it did with its own stock.
  recall_action: { read: PARTY('recall_id'), insert: `${OWN} and ${PARTY('recall_id')}` },
  // The applicant organisation reads and resubmits its own application; the province decides (system). The
  // anonymous sign-up inserts its first row as the system (the organisation is created in the same transaction).
  organisation_registration: { read: OWN, insert: OWN },
  organisation_registration_round: { read: OWN, insert: OWN },
};

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function truyxuat_rls_recall_party(recall text, orgs text[]) returns boolean language sql stable
      set truyxuat.scope = 'system'
    as $$
      select exists (select 1 from recall r where r.id = $1 and r.organisation_id = any($2))
        or exists (select 1 from recall_organisation o where o.recall_id = $1 and o.organisation_id = any($2))
    $$;
  `.execute(db);
  for (const [table, c] of Object.entries(PROTECTED)) {
    const [update, updateCheck] = c.update ?? [c.insert, c.insert];
    const remove = c.delete ?? c.insert;
    await sql
      .raw(
        `alter table ${table} enable row level security;
         alter table ${table} force row level security;
         create policy ${table}_read on ${table} for select
           using (truyxuat_rls_system() or ${c.read});
         create policy ${table}_insert on ${table} for insert
           with check (truyxuat_rls_system() or ${c.insert});
         create policy ${table}_update on ${table} for update
           using (truyxuat_rls_system() or ${update})
           with check (truyxuat_rls_system() or ${updateCheck});
         create policy ${table}_delete on ${table} for delete
           using (truyxuat_rls_system() or ${remove});`,
      )
      .execute(db);
  }
}
