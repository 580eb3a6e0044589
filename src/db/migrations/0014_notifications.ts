import { sql, type Kysely } from 'kysely';

/**
 * Notifications: in-app notifications per organisation (organisation_id null = the province), the e-mail outbox
 * (rows the sender job hands to the configured transport), webhook endpoints per organisation and their signed
 * deliveries.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table notification (
      id text primary key,
      organisation_id text references organisation(id),
      kind text not null,
      title_key text not null,
      params jsonb not null default '{}'::jsonb,
      link text,
      payload jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now(),
      read_at timestamptz,
      read_by text
    );
    create index notification_org_created on notification (organisation_id, created_at desc, id desc);
    create index notification_province_created on notification (created_at desc, id desc) where organisation_id is null;

    create table notification_email (
      id text primary key,
      notification_id text not null references notification(id) on delete cascade,
      organisation_id text references organisation(id),
      recipients text[] not null,
      subject text not null,
      body text not null,
      status text not null default 'queued' check (status in ('queued', 'sent', 'failed')),
      attempts integer not null default 0,
      last_error text,
      created_at timestamptz not null default now(),
      sent_at timestamptz
    );
    create index notification_email_queued on notification_email (created_at) where status = 'queued';

    create table notification_webhook (
      id text primary key,
      organisation_id text not null references organisation(id),
      url text not null,
      secret text not null,
      secret_prefix text not null,
      kinds text[],
      active boolean not null default true,
      created_by text,
      created_at timestamptz not null default now()
    );
    create index notification_webhook_org on notification_webhook (organisation_id) where active;

    create table notification_webhook_delivery (
      id text primary key,
      webhook_id text not null references notification_webhook(id) on delete cascade,
      notification_id text not null references notification(id) on delete cascade,
      status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
      attempts integer not null default 0,
      last_status_code integer,
      last_error text,
      created_at timestamptz not null default now(),
      delivered_at timestamptz,
      unique (webhook_id, notification_id)
    );
    create index notification_webhook_delivery_webhook on notification_webhook_delivery (webhook_id, created_at desc);
  `.execute(db);
}
