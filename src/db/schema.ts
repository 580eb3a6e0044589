import type { JobTables } from '../jobs/job.tables.ts';
import type { IdentityTables } from '../registry/identity.tables.ts';
import type { RegistryTables } from '../registry/registry.tables.ts';

/**
 * The whole database as Kysely sees it. Each capability declares its own tables in `<capability>/*.tables.ts`;
 * this interface only composes them.
 */
export type DB = IdentityTables & JobTables & RegistryTables;
