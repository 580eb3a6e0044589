import { sql, type Kysely } from 'kysely';

/**
 * Row-level security: the application's statements run as the role `truyxuat_app` (no login, not a superuser, no
 * BYPASSRLS, owner of nothing), and the tables below admit only the rows of the organisations named by the
 * connection's `truyxuat.orgs` setting while `truyxuat.scope` is `org`, every row while it is `system`, and none
 * otherwise (no setting, `none`). The service checks stay; these policies hold when a service forgets one.
 *
 * Roles are shared by every database of a PostgreSQL cluster (tests create many schemas and databases at once),
 * so the role is created only when missing and a concurrent creation is not an error.
 */
/** Table → the policy's condition on an `org` scope (`orgs` = the organisations of the scope). */
const PROTECTED: Record<string, string> = {
  capture_job: 'organisation_id = any(truyxuat_rls_orgs()) or via_organisation_id = any(truyxuat_rls_orgs())',
  stamp_batch: 'organisation_id = any(truyxuat_rls_orgs())',
  stamp: 'organisation_id = any(truyxuat_rls_orgs())',
  api_key: 'organisation_id = any(truyxuat_rls_orgs())',
  notification: 'organisation_id = any(truyxuat_rls_orgs())',
  notification_webhook: 'organisation_id = any(truyxuat_rls_orgs())',
};

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    do $$
    begin
      create role truyxuat_app nologin nosuperuser nobypassrls nocreaterole nocreatedb;
    exception when duplicate_object or unique_violation then null;
    end $$;
  `.execute(db);
  await sql`
    do $$
    begin
      -- CREATE: a table the role makes is its own; it cannot alter or disable the policies of the owner's tables.
      execute format('grant usage, create on schema %I to truyxuat_app', current_schema());
      execute format('grant select, insert, update, delete on all tables in schema %I to truyxuat_app', current_schema());
      execute format('grant usage, select, update on all sequences in schema %I to truyxuat_app', current_schema());
      -- Tables and sequences of later migrations (created by the same owner) are granted as they are made.
      execute format('alter default privileges in schema %I grant select, insert, update, delete on tables to truyxuat_app',
        current_schema());
      execute format('alter default privileges in schema %I grant usage, select, update on sequences to truyxuat_app',
        current_schema());
      -- A non-superuser owner needs membership to SET ROLE; a superuser may always.
      if not (select rolsuper from pg_roles where rolname = current_user)
         and not pg_has_role(current_user, 'truyxuat_app', 'member') then
        execute format('grant truyxuat_app to %I', current_user);
      end if;
    end $$;
  `.execute(db);
  await sql`
    create function truyxuat_rls_system() returns boolean language sql stable as $$
      select coalesce(current_setting('truyxuat.scope', true), '') = 'system'
    $$;
    create function truyxuat_rls_orgs() returns text[] language sql stable as $$
      select case when coalesce(current_setting('truyxuat.scope', true), '') = 'org'
        then string_to_array(nullif(current_setting('truyxuat.orgs', true), ''), ',')
        else '{}'::text[] end
    $$;
  `.execute(db);
  for (const [table, condition] of Object.entries(PROTECTED)) {
    await sql
      .raw(
        `alter table ${table} enable row level security;
         alter table ${table} force row level security;
         create policy ${table}_organisation on ${table}
           using (truyxuat_rls_system() or ${condition})
           with check (truyxuat_rls_system() or ${condition});`,
      )
      .execute(db);
  }
}
