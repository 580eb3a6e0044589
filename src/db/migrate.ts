import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { migrations } from './migrations/index.ts';

/** Migrations are compiled in (no directory scan), so they run the same from source, the CLI and tests. */
const provider: MigrationProvider = {
  getMigrations: async (): Promise<Record<string, Migration>> => migrations,
};

/** Applies every pending forward-only migration; throws with the failing migration's name. */
export async function migrateToLatest<T>(db: Kysely<T>, schema?: string): Promise<string[]> {
  // With several schemas in one database (one per test file or benchmark), name ours: otherwise the migrator sees
  // another schema's bookkeeping tables and skips creating its own.
  const migrator = new Migrator({
    ...(schema ? { migrationTableSchema: schema } : {}),
    db: db,
    provider,
    migrationTableName: 'schema_migration',
    migrationLockTableName: 'schema_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String((error as Error).message ?? error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
