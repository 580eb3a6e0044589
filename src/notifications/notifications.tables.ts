import type { ColumnType, Generated } from 'kysely';

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string | undefined, string>;

/** An in-app notification for an organisation (null: the province). */
export interface NotificationTable {
  id: string;
  organisation_id: string | null;
  kind: string;
  title_key: string;
  params: Json;
  link: string | null;
  payload: Json;
  created_at: Timestamp;
  read_at: NullableTimestamp;
  read_by: string | null;
}

/** One e-mail to send (the outbox): the sender job hands it to the configured transport. */
export interface NotificationEmailTable {
  id: string;
  notification_id: string;
  organisation_id: string | null;
  recipients: string[];
  subject: string;
  body: string;
  status: Generated<'queued' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
}

/** An organisation's webhook endpoint; `secret` keys the HMAC-SHA256 signature of every delivery. */
export interface NotificationWebhookTable {
  id: string;
  organisation_id: string;
  url: string;
  secret: string;
  secret_prefix: string;
  kinds: string[] | null;
  active: Generated<boolean>;
  created_by: string | null;
  created_at: Timestamp;
}

export interface NotificationWebhookDeliveryTable {
  id: string;
  webhook_id: string;
  notification_id: string;
  status: Generated<'pending' | 'delivered' | 'failed'>;
  attempts: Generated<number>;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Timestamp;
  delivered_at: NullableTimestamp;
}

export interface NotificationTables {
  notification: NotificationTable;
  notification_email: NotificationEmailTable;
  notification_webhook: NotificationWebhookTable;
  notification_webhook_delivery: NotificationWebhookDeliveryTable;
}
