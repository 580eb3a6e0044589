import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

/**
 * Serialized stamps: batches ordered by a business for one product, one row per stamp with its place in the batch
 * (`sequence`, so that ranges can be activated or voided), its serial (unique per GTIN, the resolver's lookup key),
 * its lot once activated, and its scan counters. The scratch-off codes derive from one secret per installation,
 * generated here once; only an HMAC of each code is stored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table stamp_batch (
      id text primary key,
      organisation_id text not null references organisation(id),
      product_id text not null references product(id),
      gtin text not null,
      lot text,
      quantity integer not null check (quantity between 1 and 100000),
      layout text not null,
      with_verification_code boolean not null,
      state text not null default 'issued'
        check (state in ('issued', 'partly_activated', 'activated', 'void')),
      created_by text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index stamp_batch_organisation on stamp_batch (organisation_id, created_at desc);
    create index stamp_batch_product on stamp_batch (product_id);

    create table stamp (
      id bigserial primary key,
      batch_id text not null references stamp_batch(id),
      sequence integer not null check (sequence >= 1),
      organisation_id text not null references organisation(id),
      gtin text not null,
      serial text not null,
      lot text,
      verification_code_hash text,
      state text not null default 'issued' check (state in ('issued', 'activated', 'scanned', 'void')),
      activated_at timestamptz,
      voided_at timestamptz,
      first_scanned_at timestamptz,
      last_scanned_at timestamptz,
      scan_count integer not null default 0,
      unique (gtin, serial),
      unique (batch_id, sequence)
    );
    create index stamp_lot on stamp (gtin, lot) where lot is not null;

    create table label_secret (
      id integer primary key check (id = 1),
      secret bytea not null,
      created_at timestamptz not null default now()
    );
  `.execute(db);
  await sql`insert into label_secret (id, secret) values (1, ${randomBytes(32)})`.execute(db);
}
