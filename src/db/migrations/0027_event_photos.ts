import { sql, type Kysely } from 'kysely';

/**
 * Photos attached to EPCIS events (taken in the field, often offline, uploaded after the event), and the history
 * of a self-registration's rounds: a rejected applicant may correct and resubmit, and each earlier decision is kept.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table event_photo (
      id text primary key,
      organisation_id text not null references organisation (id),
      event_row bigint not null references epcis_event (id),
      -- The id the device gave the photo: a retried upload of the same photo finds this row instead of adding one.
      client_photo_id text not null,
      media_id text not null references media (id),
      captured_at timestamptz,
      created_by text,
      created_at timestamptz not null default now(),
      unique (event_row, client_photo_id)
    );
    create index event_photo_organisation on event_photo (organisation_id, created_at);
    create index event_photo_media on event_photo (media_id);

    create table organisation_registration_round (
      organisation_id text not null references organisation (id),
      round integer not null,
      submitted_at timestamptz not null,
      decision text not null,
      reason text,
      decided_at timestamptz,
      decided_by text,
      primary key (organisation_id, round)
    );
  `.execute(db);
}
