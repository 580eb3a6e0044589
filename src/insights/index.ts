/** Province insights: the public entry for other capabilities (the server schedules the refresh and the reports). */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { ensureReportScheduled } from './insights.report.ts';
import { ensureRefreshScheduled } from './insights.service.ts';

export { INSIGHTS_REFRESH_KIND, refreshInsights, runRefreshJob } from './insights.service.ts';
export { INSIGHTS_REPORT_KIND, runReportJob } from './insights.report.ts';

/** Queues the counters' refresh (now, then every few minutes) and the monthly report, unless already queued. */
export async function ensureInsightsScheduled(db: Kysely<DB>): Promise<void> {
  await ensureRefreshScheduled(db);
  await ensureReportScheduled(db);
}
