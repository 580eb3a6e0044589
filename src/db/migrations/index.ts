import type { Migration } from 'kysely';
import * as m0001 from './0001_identity.ts';
import * as m0002 from './0002_registry.ts';
import * as m0003 from './0003_jobs.ts';
import * as m0004 from './0004_epcis.ts';
import * as m0005 from './0005_subscriptions.ts';
import * as m0006 from './0006_trace.ts';
import * as m0007 from './0007_recall.ts';
import * as m0008 from './0008_event_visibility.ts';
import * as m0009 from './0009_recall_steps.ts';
import * as m0010 from './0010_standards.ts';
import * as m0011 from './0011_master_data.ts';
import * as m0014 from './0014_notifications.ts';
import * as m0015 from './0015_recall_actions.ts';
import * as m0017 from './0017_portal.ts';
import * as m0012 from './0012_labels.ts';
import * as m0016 from './0016_compliance.ts';
import * as m0013 from './0013_resolver.ts';
import * as m0021 from './0021_audit.ts';
import * as m0022 from './0022_row_level_security.ts';
import * as m0018 from './0018_insights.ts';
import * as m0019 from './0019_national_portal.ts';
import * as m0020 from './0020_connectors.ts';
import * as m0023 from './0023_federation.ts';
import * as m0025 from './0025_registration.ts';
import * as m0026 from './0026_row_level_security_events.ts';
import * as m0027 from './0027_event_photos.ts';
import * as m0028 from './0028_row_level_security_private.ts';
import * as m0029 from './0029_idempotency_keys.ts';
import * as m0030 from './0030_row_level_security_rejections.ts';

/** Every migration, in order. Forward-only: never edit one that has shipped; add the next. */
export const migrations: Record<string, Migration> = {
  '0001_identity': m0001,
  '0002_registry': m0002,
  '0003_jobs': m0003,
  '0004_epcis': m0004,
  '0005_subscriptions': m0005,
  '0006_trace': m0006,
  '0007_recall': m0007,
  '0008_event_visibility': m0008,
  '0009_recall_steps': m0009,
  '0010_standards': m0010,
  '0011_master_data': m0011,
  '0014_notifications': m0014,
  '0015_recall_actions': m0015,
  '0017_portal': m0017,
  '0012_labels': m0012,
  '0013_resolver': m0013,
  '0016_compliance': m0016,
  '0021_audit': m0021,
  '0022_row_level_security': m0022,
  '0018_insights': m0018,
  '0019_national_portal': m0019,
  '0020_connectors': m0020,
  '0023_federation': m0023,
  '0025_registration': m0025,
  '0026_row_level_security_events': m0026,
  '0027_event_photos': m0027,
  '0028_row_level_security_private': m0028,
  '0029_idempotency_keys': m0029,
  '0030_row_level_security_rejections': m0030,
};
