import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database.ts';
import type { DB } from '../../src/db/schema.ts';

/** A fresh, migrated schema on the PostgreSQL server for one benchmark run; dropped on close unless kept. */
export async function openBenchDatabase(
  options: { keep?: boolean; schema?: string } = {},
): Promise<Database & { url: string; schema: string }> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = options.schema ?? `bench_${randomBytes(4).toString('hex')}`;
  const database = await openDatabase({ url, schema, poolSize: 4 });
  return {
    ...database,
    url,
    schema,
    close: async () => {
      await database.close();
      if (options.keep) return;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** A raw client on the same schema, for reference measurements (COPY, hand-written SQL). */
export async function rawClient(url: string, schema: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  return client;
}

/** An organisation row the generated events can belong to. */
export async function insertBenchOrganisation(db: Kysely<DB>, id: string): Promise<void> {
  await db
    .insertInto('organisation')
    .values({
      id,
      name: 'Bench',
      kind: 'company',
      name_en: null,
      tax_code: null,
      gs1_company_prefix: null,
      primary_gln: null,
      address: null,
      province_code: null,
      commune_code: null,
      commune_name: null,
      contact_name: null,
      contact_email: null,
      contact_phone: null,
    })
    .execute();
}
