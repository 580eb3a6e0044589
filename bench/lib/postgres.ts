import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database.ts';

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
