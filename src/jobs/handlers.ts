import { CAPTURE_JOB_KIND, processCaptureJob } from '../epcis/capture.service.ts';
import {
  deliverSubscription,
  dispatchStreamSubscriptions,
  runScheduledSubscription,
  SUBSCRIPTION_DELIVER_KIND,
  SUBSCRIPTION_DISPATCH_KIND,
  SUBSCRIPTION_SCHEDULE_KIND,
} from '../epcis/subscription.service.ts';
import {
  deliverNotificationWebhook,
  EMAIL_SEND_KIND,
  sendNotificationEmail,
  WEBHOOK_DELIVER_KIND,
} from '../notifications/notifications.service.ts';
import { processLotRefreshJob, REFRESH_LOTS_JOB_KIND } from '../standards/index.ts';
import { checkScans } from '../resolver/alerts.service.ts';
import { SCAN_CHECK_KIND } from '../resolver/scan-log.ts';
import { NATIONAL_SYNC_KIND, runNationalSyncJob } from '../federation/national.service.ts';
import {
  CONNECTOR_INBOX_KIND,
  CONNECTOR_POLL_KIND,
  pollConnectorJob,
  processInboxJob,
} from '../federation/connector.service.ts';
import { INSIGHTS_REFRESH_KIND, INSIGHTS_REPORT_KIND, runRefreshJob, runReportJob } from '../insights/index.ts';
import { RECALL_IMPACT_KIND, runRecallImpactJob } from '../trace/recall-follow.ts';
import { IDEMPOTENCY_PRUNE_KIND, runIdempotencyPruneJob } from '../http/idempotency.ts';
import type { JobHandler } from './job.service.ts';

/** Every kind of background job and the service function that runs it. A capability adds its own here. */
export const JOB_HANDLERS: Readonly<Record<string, JobHandler>> = {
  [CAPTURE_JOB_KIND]: processCaptureJob,
  [RECALL_IMPACT_KIND]: runRecallImpactJob,
  [SUBSCRIPTION_DISPATCH_KIND]: dispatchStreamSubscriptions,
  [SUBSCRIPTION_DELIVER_KIND]: deliverSubscription,
  [SUBSCRIPTION_SCHEDULE_KIND]: runScheduledSubscription,
  [REFRESH_LOTS_JOB_KIND]: processLotRefreshJob,
  [EMAIL_SEND_KIND]: sendNotificationEmail,
  [WEBHOOK_DELIVER_KIND]: deliverNotificationWebhook,
  [SCAN_CHECK_KIND]: checkScans,
  [NATIONAL_SYNC_KIND]: runNationalSyncJob,
  [INSIGHTS_REFRESH_KIND]: runRefreshJob,
  [INSIGHTS_REPORT_KIND]: runReportJob,
  [CONNECTOR_POLL_KIND]: pollConnectorJob,
  [CONNECTOR_INBOX_KIND]: processInboxJob,
  [IDEMPOTENCY_PRUNE_KIND]: runIdempotencyPruneJob,
};
