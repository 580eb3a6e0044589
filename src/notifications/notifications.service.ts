import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { loadConfig } from '../config.ts';
import type { DB } from '../db/schema.ts';
import { asSystem } from '../db/scope.ts';
import { allowPrivateWebhooks } from '../epcis/subscription.service.ts';
import { checkDestination, DestinationError, postWebhook } from '../epcis/webhook-delivery.ts';
import { webhookSignature } from '../epcis/webhook-signature.ts';
import { enqueueJob, type JobContext } from '../jobs/job.service.ts';
import {
  callerOrganisation,
  requireAuthenticated,
  requirePermission,
  seesEverything,
  type Caller,
} from '../shared/caller.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { t, type Locale } from '../shared/messages.ts';
import { renderNotificationEmail, type EmailTransport } from './notification-email.ts';
import * as repo from './notifications.repository.ts';
import { smtpTransport } from './smtp-transport.ts';

/**
 * Notifications: an in-app notification for an organisation (or the province), an e-mail in the outbox for its
 * contact address and users, and a signed delivery to each of its webhook endpoints — all written inside the
 * caller's transaction, so a notification exists exactly when the change it announces does. The e-mail and the
 * webhook calls are background jobs with retries.
 */

export interface NotificationInput {
  readonly organisationId: string | null /* null = the province */;
  readonly kind: string /* 'recall.opened' | 'alert.raised' | 'problem.reported' | … */;
  readonly titleKey: string;
  readonly params?: Record<string, string | number>;
  readonly link?: string;
  readonly payload?: Record<string, unknown>;
}

export const EMAIL_SEND_KIND = 'notification.email.send';
export const WEBHOOK_DELIVER_KIND = 'notification.webhook.deliver';
const EMAIL_MAX_ATTEMPTS = 6;
const WEBHOOK_MAX_ATTEMPTS = 8;
const WEBHOOK_TIMEOUT_MS = 10_000;
const WEBHOOK_MAX_RESPONSE_BYTES = 64 * 1024;

/** In-app notification + e-mail outbox row + webhook delivery job for the organisation, inside trx. */
export function notify(trx: Kysely<DB>, input: NotificationInput): Promise<void> {
  // Notifying addresses another organisation (a recall's downstream, a shipment's receiver, the province): it writes
  // that organisation's notification and reads its webhooks on purpose, past row-level security.
  return asSystem(() => deliver(trx, input));
}

async function deliver(trx: Kysely<DB>, input: NotificationInput): Promise<void> {
  const id = randomUUID();
  const params = input.params ?? {};
  const link = input.link ?? null;
  await repo.insertNotification(trx, {
    id,
    organisation_id: input.organisationId,
    kind: input.kind,
    title_key: input.titleKey,
    params,
    link,
    payload: input.payload ?? {},
  });
  const recipients = await repo.recipientsOf(trx, input.organisationId);
  const publicUrl = loadConfig().publicUrl;
  for (const org of recipients) {
    if (org.emails.length === 0) continue;
    const content = renderNotificationEmail({
      organisationName: org.name,
      titleKey: input.titleKey,
      params,
      link,
      publicUrl,
    });
    const emailId = randomUUID();
    await repo.insertEmail(trx, {
      id: emailId,
      notification_id: id,
      organisation_id: org.id,
      recipients: org.emails,
      subject: content.subject,
      body: content.body,
    });
    await enqueueJob(trx, EMAIL_SEND_KIND, { emailId }, { maxAttempts: EMAIL_MAX_ATTEMPTS });
  }
  const webhooks = await repo.webhooksFor(
    trx,
    recipients.map((r) => r.id),
    input.kind,
  );
  for (const w of webhooks) {
    const deliveryId = randomUUID();
    await repo.insertDelivery(trx, { id: deliveryId, webhook_id: w.id, notification_id: id });
    await enqueueJob(trx, WEBHOOK_DELIVER_KIND, { deliveryId }, { maxAttempts: WEBHOOK_MAX_ATTEMPTS });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// In-app notifications

export interface NotificationView {
  readonly id: string;
  readonly organisationId: string | null;
  readonly kind: string;
  /** The title in the caller's language. */
  readonly title: string;
  readonly titleKey: string;
  readonly params: Record<string, string | number>;
  readonly link: string | null;
  readonly payload: Record<string, unknown>;
  readonly createdAt: string;
  readonly readAt: string | null;
}

function view(row: repo.NotificationRow, locale: Locale): NotificationView {
  const params = (row.params ?? {}) as Record<string, string | number>;
  return {
    id: row.id,
    organisationId: row.organisation_id,
    kind: row.kind,
    title: t(locale, row.title_key, params),
    titleKey: row.title_key,
    params,
    link: row.link,
    payload: (row.payload ?? {}) as Record<string, unknown>,
    createdAt: new Date(row.created_at).toISOString(),
    readAt: row.read_at ? new Date(row.read_at).toISOString() : null,
  };
}

/** Whose notifications the caller reads: its organisation's, and the province's for the province. */
function scopeOf(caller: Caller): { organisationIds: string[]; province: boolean } {
  const own = callerOrganisation(caller);
  return { organisationIds: own === undefined ? [] : [own], province: seesEverything(caller) };
}

export async function listNotifications(
  db: Kysely<DB>,
  caller: Caller,
  options: { unread?: boolean; limit?: number; offset?: number; locale: Locale },
): Promise<{ items: NotificationView[]; total: number; unread: number; limit: number; offset: number }> {
  requireAuthenticated(caller);
  const limit = Math.max(1, Math.min(options.limit ?? 50, 200));
  const offset = Math.max(0, options.offset ?? 0);
  const found = await repo.listNotifications(db, scopeOf(caller), { unread: options.unread ?? false, limit, offset });
  return {
    items: found.rows.map((r) => view(r, options.locale)),
    total: found.total,
    unread: found.unread,
    limit,
    offset,
  };
}

/** Marks one of the caller's notifications read (the first time is kept). Another's answers 404. */
export async function markNotificationRead(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
  locale: Locale,
): Promise<NotificationView> {
  requireAuthenticated(caller);
  const row = await repo.findNotification(db, id);
  const scope = scopeOf(caller);
  const mine =
    row !== undefined &&
    (row.organisation_id === null ? scope.province : scope.organisationIds.includes(row.organisation_id));
  if (!row || !mine) throw notFound('Notification');
  const by =
    caller.kind === 'user' ? `user:${caller.userId}` : caller.kind === 'apiKey' ? `apiKey:${caller.apiKeyId}` : null;
  await repo.markRead(db, id, by, new Date());
  return view((await repo.findNotification(db, id))!, locale);
}

// ---------------------------------------------------------------------------------------------------------------
// Webhook endpoints

export interface WebhookView {
  readonly id: string;
  readonly organisationId: string;
  readonly url: string;
  /** The first characters of the secret, to tell endpoints apart; the secret itself is shown only at creation. */
  readonly secretPrefix: string;
  readonly kinds: string[] | null;
  readonly createdAt: string;
}

const webhookView = (w: {
  id: string;
  organisation_id: string;
  url: string;
  secret_prefix: string;
  kinds: string[] | null;
  created_at: Date;
}): WebhookView => ({
  id: w.id,
  organisationId: w.organisation_id,
  url: w.url,
  secretPrefix: w.secret_prefix,
  kinds: w.kinds,
  createdAt: new Date(w.created_at).toISOString(),
});

function webhookOwner(caller: Caller): string {
  requirePermission(caller, 'keys:manage');
  const own = callerOrganisation(caller);
  if (own === undefined) throw new AppError('forbidden', 'Webhook endpoints belong to an organisation');
  return own;
}

/**
 * Adds a webhook endpoint for the caller's organisation (an administrator: `keys:manage`). The URL must be a
 * public http(s) address (the EPCIS webhooks' refusal of private, loopback and link-local hosts). Answers the
 * secret once: it keys the HMAC-SHA256 signature of every delivery and is never shown again.
 */
export async function createWebhook(
  db: Kysely<DB>,
  caller: Caller,
  input: { url: string; kinds?: readonly string[] | undefined },
): Promise<WebhookView & { secret: string }> {
  const organisationId = webhookOwner(caller);
  try {
    await checkDestination(input.url, allowPrivateWebhooks());
  } catch (e) {
    if (e instanceof DestinationError)
      throw new AppError('validation', e.message, {
        fields: [{ field: 'url', message: 'notifications.webhook.url' }],
      });
    throw e;
  }
  const kinds = input.kinds && input.kinds.length > 0 ? [...new Set(input.kinds)].sort() : null;
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  await repo.insertWebhook(db, {
    id,
    organisation_id: organisationId,
    url: input.url,
    secret,
    secret_prefix: secret.slice(0, 12),
    kinds,
    created_by:
      caller.kind === 'user' ? `user:${caller.userId}` : caller.kind === 'apiKey' ? `apiKey:${caller.apiKeyId}` : null,
  });
  const row = (await repo.findWebhook(db, id))!;
  return { ...webhookView(row), secret };
}

export async function listWebhooks(db: Kysely<DB>, caller: Caller): Promise<WebhookView[]> {
  return (await repo.listWebhooks(db, webhookOwner(caller))).map(webhookView);
}

async function ownWebhook(db: Kysely<DB>, caller: Caller, id: string) {
  const organisationId = webhookOwner(caller);
  const row = await repo.findWebhook(db, id);
  if (!row || row.organisation_id !== organisationId) throw notFound('Webhook');
  return row;
}

/** Removes an endpoint: no delivery is made to it any more (pending ones end as failed). */
export async function deleteWebhook(db: Kysely<DB>, caller: Caller, id: string): Promise<void> {
  await ownWebhook(db, caller, id);
  await repo.deactivateWebhook(db, id);
}

export interface DeliveryView {
  readonly id: string;
  readonly notificationId: string;
  readonly status: string;
  readonly attempts: number;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

export async function listDeliveries(db: Kysely<DB>, caller: Caller, id: string): Promise<DeliveryView[]> {
  await ownWebhook(db, caller, id);
  return (await repo.listDeliveries(db, id, 100)).map((d) => ({
    id: d.id,
    notificationId: d.notification_id,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.last_status_code,
    lastError: d.last_error,
    createdAt: new Date(d.created_at).toISOString(),
    deliveredAt: d.delivered_at ? new Date(d.delivered_at).toISOString() : null,
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Background jobs

let transport: EmailTransport | null = null;
let smtp: { url: string; from: string; transport: EmailTransport } | undefined;
let warnedNoTransport = false;

/**
 * Sets what the e-mail sender hands messages to (a provider's API, a test double); null removes it and falls back
 * to SMTP when `SMTP_URL` is configured. Without either, the outbox keeps its rows queued (nothing is pretended
 * sent) and the sender logs that no transport is configured.
 */
export function setEmailTransport(next: EmailTransport | null): void {
  transport = next;
}

function currentTransport(): EmailTransport | null {
  if (transport !== null) return transport;
  const { smtpUrl, mailFrom } = loadConfig();
  if (smtpUrl === undefined) return null;
  if (smtp?.url !== smtpUrl || smtp.from !== mailFrom)
    smtp = { url: smtpUrl, from: mailFrom, transport: smtpTransport(smtpUrl, mailFrom) };
  return smtp.transport;
}

/** Job: sends one e-mail of the outbox. Idempotent: a row no longer queued is left alone. */
export async function sendNotificationEmail(payload: unknown, context: JobContext): Promise<void> {
  const { emailId } = payload as { emailId: string };
  const row = await repo.findEmail(context.db, emailId);
  if (!row || row.status !== 'queued') return;
  const sender = currentTransport();
  if (sender === null) {
    // Once per process: an installation without e-mail gets one line in its log, not one per notification.
    if (!warnedNoTransport)
      console.warn(
        'notification e-mails stay queued in the outbox: no e-mail transport is configured (SMTP_URL; see docs/notifications.md)',
      );
    warnedNoTransport = true;
    return;
  }
  try {
    await sender.send({ to: row.recipients, subject: row.subject, text: row.body });
  } catch (e) {
    const error = (e instanceof Error ? e.message : String(e)).slice(0, 500);
    const last = context.attempt >= context.maxAttempts;
    await repo.recordEmailAttempt(context.db, row.id, { status: last ? 'failed' : 'queued', error, at: new Date() });
    throw new Error(`E-mail ${row.id} not sent: ${error}`);
  }
  await context.db.transaction().execute(async (trx) => {
    await repo.recordEmailAttempt(trx, row.id, { status: 'sent', error: null, at: new Date() });
    await context.complete(trx);
  });
}

/** The JSON body of a webhook delivery (signed as sent). */
export function webhookBody(
  deliveryId: string,
  n: {
    notification_id: string;
    organisation_id: string | null;
    kind: string;
    title_key: string;
    params: unknown;
    link: string | null;
    payload: unknown;
    created_at: Date;
  },
  publicUrl: string,
): string {
  const params = (n.params ?? {}) as Record<string, string | number>;
  return JSON.stringify({
    deliveryId,
    notificationId: n.notification_id,
    organisationId: n.organisation_id,
    kind: n.kind,
    title: { vi: t('vi', n.title_key, params), en: t('en', n.title_key, params) },
    params,
    link: n.link === null ? null : /^https?:\/\//i.test(n.link) ? n.link : `${publicUrl}${n.link}`,
    payload: n.payload ?? {},
    createdAt: new Date(n.created_at).toISOString(),
  });
}

/**
 * Job: one signed POST of a notification to a webhook endpoint (header `X-Truyxuat-Signature`: HMAC-SHA256 of the
 * body keyed with the endpoint's secret, as the EPCIS webhooks sign). A refusal or a non-2xx answer is recorded
 * and retried by the job queue with exponential backoff; the last attempt marks the delivery failed.
 */
export async function deliverNotificationWebhook(payload: unknown, context: JobContext): Promise<void> {
  const { deliveryId } = payload as { deliveryId: string };
  const row = await repo.findDelivery(context.db, deliveryId);
  if (!row || row.status !== 'pending') return;
  if (!row.active) {
    await repo.recordDeliveryAttempt(context.db, row.id, {
      status: 'failed',
      statusCode: null,
      error: 'The webhook endpoint was removed',
      at: new Date(),
    });
    return;
  }
  const body = webhookBody(row.id, row, loadConfig().publicUrl);
  const outcome = await postWebhook({
    url: row.url,
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'truyxuat-notification-webhook',
      'X-Truyxuat-Event': row.kind,
      'X-Truyxuat-Delivery': row.id,
      'X-Truyxuat-Signature': webhookSignature(body, row.secret),
    },
    timeoutMs: WEBHOOK_TIMEOUT_MS,
    maxResponseBytes: WEBHOOK_MAX_RESPONSE_BYTES,
    allowPrivate: allowPrivateWebhooks(),
  });
  if (outcome.ok) {
    await context.db.transaction().execute(async (trx) => {
      await repo.recordDeliveryAttempt(trx, row.id, {
        status: 'delivered',
        statusCode: outcome.status,
        error: null,
        at: new Date(),
      });
      await context.complete(trx);
    });
    return;
  }
  const error = (outcome.error ?? `HTTP ${outcome.status}`).slice(0, 500);
  const last = context.attempt >= context.maxAttempts;
  await repo.recordDeliveryAttempt(context.db, row.id, {
    status: last ? 'failed' : 'pending',
    statusCode: outcome.status,
    error,
    at: new Date(),
  });
  throw new Error(`Notification webhook ${row.webhook_id} not accepted: ${error}`);
}
