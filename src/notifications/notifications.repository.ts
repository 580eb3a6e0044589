import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/** SQL of the notifications capability. */

export type NotificationRow = {
  id: string;
  organisation_id: string | null;
  kind: string;
  title_key: string;
  params: unknown;
  link: string | null;
  payload: unknown;
  created_at: Date;
  read_at: Date | null;
};

export async function insertNotification(
  db: Kysely<DB>,
  row: {
    id: string;
    organisation_id: string | null;
    kind: string;
    title_key: string;
    params: Record<string, string | number>;
    link: string | null;
    payload: Record<string, unknown>;
  },
): Promise<void> {
  await db
    .insertInto('notification')
    .values({ ...row, params: JSON.stringify(row.params), payload: JSON.stringify(row.payload) })
    .execute();
}

/**
 * The organisations a notification is for: the organisation itself, or — for the province (null) — every active
 * authority organisation; with their names and every e-mail address to write to (the contact address and the
 * active users' addresses, without duplicates).
 */
export async function recipientsOf(
  db: Kysely<DB>,
  organisationId: string | null,
): Promise<{ id: string; name: string; emails: string[] }[]> {
  let orgs = db.selectFrom('organisation').select(['id', 'name', 'contact_email']);
  orgs =
    organisationId === null
      ? orgs.where('kind', '=', 'authority').where('status', '=', 'active')
      : orgs.where('id', '=', organisationId);
  const found = await orgs.execute();
  if (found.length === 0) return [];
  const users = await db
    .selectFrom('app_user')
    .select(['organisation_id', 'email'])
    .where(
      'organisation_id',
      'in',
      found.map((o) => o.id),
    )
    .where('status', '=', 'active')
    .where('email', 'is not', null)
    .execute();
  return found.map((o) => {
    const emails = new Set<string>();
    if (o.contact_email) emails.add(o.contact_email.trim().toLowerCase());
    for (const u of users) if (u.organisation_id === o.id && u.email) emails.add(u.email.trim().toLowerCase());
    return { id: o.id, name: o.name, emails: [...emails].filter((e) => e !== '').sort() };
  });
}

export async function insertEmail(
  db: Kysely<DB>,
  row: {
    id: string;
    notification_id: string;
    organisation_id: string | null;
    recipients: string[];
    subject: string;
    body: string;
  },
): Promise<void> {
  await db.insertInto('notification_email').values(row).execute();
}

/** Active webhooks of these organisations that take this kind of notification. */
export async function webhooksFor(db: Kysely<DB>, organisationIds: readonly string[], kind: string) {
  if (organisationIds.length === 0) return [];
  return db
    .selectFrom('notification_webhook')
    .select(['id', 'organisation_id'])
    .where('organisation_id', 'in', organisationIds)
    .where('active', '=', true)
    .where((eb) => eb.or([eb('kinds', 'is', null), eb(sql<string>`${kind}`, '=', eb.fn.any('kinds'))]))
    .execute();
}

export async function insertDelivery(
  db: Kysely<DB>,
  row: { id: string; webhook_id: string; notification_id: string },
): Promise<void> {
  await db.insertInto('notification_webhook_delivery').values(row).execute();
}

/** The notifications of an organisation (or the province's when `organisationId` is null), newest first. */
export async function listNotifications(
  db: Kysely<DB>,
  scope: { organisationIds: readonly string[]; province: boolean },
  options: { unread: boolean; limit: number; offset: number },
): Promise<{ rows: NotificationRow[]; total: number; unread: number }> {
  let base = db.selectFrom('notification').where((eb) => {
    const parts = [];
    if (scope.organisationIds.length > 0) parts.push(eb('organisation_id', 'in', scope.organisationIds));
    if (scope.province) parts.push(eb('organisation_id', 'is', null));
    return parts.length > 0 ? eb.or(parts) : eb.val(false);
  });
  const counts = await base
    .select((eb) => [
      eb.fn.countAll<string>().as('total'),
      eb.fn.count<string>('id').filterWhere('read_at', 'is', null).as('unread'),
    ])
    .executeTakeFirstOrThrow();
  if (options.unread) base = base.where('read_at', 'is', null);
  const rows = await base
    .select(['id', 'organisation_id', 'kind', 'title_key', 'params', 'link', 'payload', 'created_at', 'read_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  const unread = Number(counts.unread);
  return { rows, total: options.unread ? unread : Number(counts.total), unread };
}

export async function findNotification(db: Kysely<DB>, id: string): Promise<NotificationRow | undefined> {
  return db
    .selectFrom('notification')
    .select(['id', 'organisation_id', 'kind', 'title_key', 'params', 'link', 'payload', 'created_at', 'read_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function markRead(db: Kysely<DB>, id: string, by: string | null, at: Date): Promise<void> {
  await db
    .updateTable('notification')
    .set({ read_at: at, read_by: by })
    .where('id', '=', id)
    .where('read_at', 'is', null)
    .execute();
}

export async function findEmail(db: Kysely<DB>, id: string) {
  return db.selectFrom('notification_email').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function recordEmailAttempt(
  db: Kysely<DB>,
  id: string,
  outcome: { status: 'queued' | 'sent' | 'failed'; error: string | null; at: Date },
): Promise<void> {
  await db
    .updateTable('notification_email')
    .set((eb) => ({
      status: outcome.status,
      attempts: eb('attempts', '+', 1),
      last_error: outcome.error,
      ...(outcome.status === 'sent' ? { sent_at: outcome.at } : {}),
    }))
    .where('id', '=', id)
    .execute();
}

export async function findDelivery(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('notification_webhook_delivery as d')
    .innerJoin('notification_webhook as w', 'w.id', 'd.webhook_id')
    .innerJoin('notification as n', 'n.id', 'd.notification_id')
    .select([
      'd.id',
      'd.status',
      'd.attempts',
      'w.id as webhook_id',
      'w.url',
      'w.secret',
      'w.active',
      'w.organisation_id as webhook_organisation_id',
      'n.id as notification_id',
      'n.organisation_id',
      'n.kind',
      'n.title_key',
      'n.params',
      'n.link',
      'n.payload',
      'n.created_at',
    ])
    .where('d.id', '=', id)
    .executeTakeFirst();
}

export async function recordDeliveryAttempt(
  db: Kysely<DB>,
  id: string,
  outcome: { status: 'pending' | 'delivered' | 'failed'; statusCode: number | null; error: string | null; at: Date },
): Promise<void> {
  await db
    .updateTable('notification_webhook_delivery')
    .set((eb) => ({
      status: outcome.status,
      attempts: eb('attempts', '+', 1),
      last_status_code: outcome.statusCode,
      last_error: outcome.error,
      ...(outcome.status === 'delivered' ? { delivered_at: outcome.at } : {}),
    }))
    .where('id', '=', id)
    .execute();
}

export async function insertWebhook(
  db: Kysely<DB>,
  row: {
    id: string;
    organisation_id: string;
    url: string;
    secret: string;
    secret_prefix: string;
    kinds: string[] | null;
    created_by: string | null;
  },
): Promise<void> {
  await db.insertInto('notification_webhook').values(row).execute();
}

const WEBHOOK_COLUMNS = ['id', 'organisation_id', 'url', 'secret_prefix', 'kinds', 'active', 'created_at'] as const;

export async function listWebhooks(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('notification_webhook')
    .select([...WEBHOOK_COLUMNS])
    .where('organisation_id', '=', organisationId)
    .where('active', '=', true)
    .orderBy('created_at')
    .execute();
}

export async function findWebhook(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('notification_webhook')
    .select([...WEBHOOK_COLUMNS])
    .where('id', '=', id)
    .where('active', '=', true)
    .executeTakeFirst();
}

export async function deactivateWebhook(db: Kysely<DB>, id: string): Promise<void> {
  await db.updateTable('notification_webhook').set({ active: false }).where('id', '=', id).execute();
}

export async function listDeliveries(db: Kysely<DB>, webhookId: string, limit: number) {
  return db
    .selectFrom('notification_webhook_delivery')
    .select([
      'id',
      'notification_id',
      'status',
      'attempts',
      'last_status_code',
      'last_error',
      'created_at',
      'delivered_at',
    ])
    .where('webhook_id', '=', webhookId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
