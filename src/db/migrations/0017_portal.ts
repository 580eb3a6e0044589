import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

/**
 * Problem reports sent by consumers from the consumer page (listed to the brand owner and the province), and the
 * installation's secret that keys the hash of a sender's address (used for the rate limit; the address is never kept).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table problem_report (
      id text primary key,
      organisation_id text not null references organisation(id),
      product_id text not null references product(id),
      gtin text not null check (gtin ~ '^[0-9]{14}$'),
      lot text,
      serial text,
      message text not null check (char_length(message) between 1 and 2000),
      contact text check (contact is null or char_length(contact) <= 200),
      locale text not null check (locale in ('vi', 'en')),
      ip_hash text not null,
      created_at timestamptz not null default now()
    );
    create index problem_report_organisation on problem_report (organisation_id, created_at desc);
    create index problem_report_ip on problem_report (ip_hash, created_at);
    create index problem_report_created on problem_report (created_at desc);

    create table portal_secret (
      id integer primary key check (id = 1),
      secret bytea not null,
      created_at timestamptz not null default now()
    );
  `.execute(db);
  await sql`insert into portal_secret (id, secret) values (1, ${randomBytes(32)})`.execute(db);
}
