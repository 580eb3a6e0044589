import { sql, type Kysely } from 'kysely';

/**
 * Compliance with base standards, kept current: a product's binding to one standard version (otherwise its product
 * group's current published one applies), the current score of each lot against the version its product uses,
 * and what a capture was told about its events (warnings, or the refusal behaviour asked for).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table product_standard (
      product_id text primary key references product(id),
      standard_id text not null references standard(id),
      bound_by text,
      bound_at timestamptz not null default now()
    );
    create index product_standard_standard on product_standard (standard_id);

    create table lot_compliance (
      lot text primary key,
      gtin text not null,
      product_id text not null references product(id),
      organisation_id text not null references organisation(id),
      standard_id text not null references standard(id),
      profile_id text not null,
      version integer not null,
      score integer not null check (score between 0 and 100),
      errors integer not null,
      warnings integer not null,
      findings jsonb not null,
      event_count integer not null,
      evaluated_at timestamptz not null default now()
    );
    create index lot_compliance_organisation on lot_compliance (organisation_id, evaluated_at desc);
    create index lot_compliance_product on lot_compliance (product_id);

    create table capture_compliance (
      capture_job_id text primary key references capture_job(id),
      behaviour text not null check (behaviour in ('warn', 'reject')),
      warnings jsonb not null,
      created_at timestamptz not null default now()
    );
  `.execute(db);
}
