import { sql, type Kysely } from 'kysely';

/**
 * EPCIS master data (EPCIS 2.0 §7.5, the `epcisMasterData` of a document header): vocabulary elements with their
 * attributes and children, per organisation that declared them. `HASATTR_` / `EQATTR_` queries and the `WD_`
 * location hierarchy read it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table epcis_master_data (
      organisation_id text not null references organisation(id),
      vocabulary_type text not null,
      element_id text not null,
      attributes jsonb not null default '{}'::jsonb,
      children text[] not null default '{}',
      updated_at timestamptz not null default now(),
      primary key (organisation_id, vocabulary_type, element_id)
    );
    create index epcis_master_data_element on epcis_master_data (element_id);
  `.execute(db);
}
