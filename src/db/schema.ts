import type { EpcisTables } from '../epcis/epcis.tables.ts';
import type { EventPhotoTables } from '../epcis/event-photo.tables.ts';
import type { JobTables } from '../jobs/job.tables.ts';
import type { PortalTables } from '../portal/portal.tables.ts';
import type { LabelsTables } from '../labels/labels.tables.ts';
import type { IdentityTables } from '../registry/identity.tables.ts';
import type { RegistryTables } from '../registry/registry.tables.ts';
import type { ResolverTables } from '../resolver/resolver.tables.ts';
import type { StandardsTables } from '../standards/standards.tables.ts';
import type { TraceTables } from '../trace/trace.tables.ts';
import type { NotificationTables } from '../notifications/notifications.tables.ts';
import type { AuditTables } from '../audit/audit.tables.ts';
import type { InsightsTables } from '../insights/insights.tables.ts';
import type { NationalTables } from '../federation/national.tables.ts';
import type { ConnectorTables } from '../federation/connector.tables.ts';
import type { IdempotencyTables } from '../http/idempotency.tables.ts';

/**
 * The whole database as Kysely sees it. Each capability declares its own tables in `<capability>/*.tables.ts`;
 * this interface only composes them.
 */
export type DB = IdentityTables &
  JobTables &
  RegistryTables &
  EpcisTables &
  TraceTables &
  StandardsTables &
  ResolverTables &
  LabelsTables &
  PortalTables &
  NotificationTables &
  InsightsTables &
  NationalTables &
  ConnectorTables &
  AuditTables &
  EventPhotoTables &
  IdempotencyTables;
