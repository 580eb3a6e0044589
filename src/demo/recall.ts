import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { ROLE_PERMISSIONS, type Caller, type Role } from '../shared/caller.ts';
import { acknowledgeRecall, closeRecall, openRecall, recallSpreadsheet } from '../trace/recall.service.ts';
import type { DemoRegistry } from './index.ts';

/** The Sen Huế lot the demo's mock recall is about (captured by `events.ts`). */
export const DEMO_RECALL_LOT = 'HS-2606';

/** A demo organisation's first administrator (the province's for the authority), as a signed-in caller. */
async function adminOf(db: Kysely<DB>, organisationId: string): Promise<Caller> {
  const user = await db
    .selectFrom('app_user')
    .innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
    .select(['app_user.id', 'app_user.role', 'organisation.kind'])
    .where('app_user.organisation_id', '=', organisationId)
    .where('app_user.role', 'in', ['province_admin', 'org_admin'])
    .orderBy('app_user.email')
    .executeTakeFirstOrThrow();
  const role = user.role as Role;
  return {
    kind: 'user',
    userId: user.id,
    organisationId,
    role,
    permissions: new Set(ROLE_PERMISSIONS[role]),
    province: user.kind === 'authority' && role === 'province_admin',
  };
}

/**
 * The demo step that runs one mock recall of the Sen Huế lot from start to end through the recall service: the
 * province opens it (the impact is computed), produces its spreadsheet, every affected organisation acknowledges,
 * and the province closes it — so the stopwatch and the report show a finished drill.
 */
export async function runDemoMockRecall(db: Kysely<DB>, demo: DemoRegistry): Promise<void> {
  const province = await adminOf(db, demo.organisations.get('authority')!);
  const gtin = demo.products.get('hat-sen')!.gtin;
  const recall = await openRecall(db, province, {
    lots: [`https://id.gs1.org/01/${gtin}/10/${DEMO_RECALL_LOT}`],
    reason: 'Diễn tập thu hồi: giả định phát hiện nấm mốc trong lô hạt sen HS-2606',
    severity: 'medium',
    mock: true,
  });
  await recallSpreadsheet(db, province, recall.id);
  for (const a of recall.acknowledgements) {
    const caller = await adminOf(db, a.organisationId);
    await acknowledgeRecall(db, caller, recall.id, { note: 'Đã kiểm tra kho, cách ly số hàng còn lại (diễn tập)' });
  }
  await closeRecall(db, province, recall.id);
}
