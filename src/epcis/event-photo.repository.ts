import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/** SQL for photos attached to events (table `event_photo`, migration 0027; the bytes live in `media`). */

/** The event with this eventID owned by the organisation (eventIDs are unique per owner). */
export async function findOwnedEvent(db: Kysely<DB>, eventId: string, organisationId: string) {
  return db
    .selectFrom('epcis_event')
    .select(['id', 'event_id', 'owner_organisation_id'])
    .where('event_id', '=', eventId)
    .where('owner_organisation_id', '=', organisationId)
    .executeTakeFirst();
}

/** Every event with this eventID, whoever owns it (for the province). */
export async function findEventsById(db: Kysely<DB>, eventId: string) {
  return db
    .selectFrom('epcis_event')
    .select(['id', 'event_id', 'owner_organisation_id'])
    .where('event_id', '=', eventId)
    .execute();
}

const photoColumns = [
  'p.id',
  'p.organisation_id',
  'p.event_row',
  'p.client_photo_id',
  'p.media_id',
  'p.captured_at',
  'p.created_at',
  'm.content_type',
  'm.byte_size',
  'm.sha256',
  'e.event_id',
] as const;

function photos(db: Kysely<DB>) {
  return db
    .selectFrom('event_photo as p')
    .innerJoin('media as m', 'm.id', 'p.media_id')
    .innerJoin('epcis_event as e', 'e.id', 'p.event_row');
}

export type EventPhotoRow = NonNullable<Awaited<ReturnType<typeof findPhoto>>>;

export async function findPhoto(db: Kysely<DB>, eventRow: string, clientPhotoId: string) {
  return photos(db)
    .select(photoColumns)
    .where('p.event_row', '=', eventRow)
    .where('p.client_photo_id', '=', clientPhotoId)
    .executeTakeFirst();
}

export async function countPhotos(db: Kysely<DB>, eventRow: string): Promise<number> {
  const row = await db
    .selectFrom('event_photo')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('event_row', '=', eventRow)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Inserts the photo unless the device's id is already there (a concurrent retry); true when inserted. */
export async function insertPhoto(
  db: Kysely<DB>,
  row: {
    id: string;
    organisation_id: string;
    event_row: string;
    client_photo_id: string;
    media_id: string;
    captured_at: Date | null;
    created_by: string | null;
  },
): Promise<boolean> {
  const result = await db
    .insertInto('event_photo')
    .values(row)
    .onConflict((oc) => oc.columns(['event_row', 'client_photo_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function deleteMedia(db: Kysely<DB>, mediaId: string): Promise<void> {
  await db.deleteFrom('media').where('id', '=', mediaId).execute();
}

export async function listPhotosOfEvents(db: Kysely<DB>, eventRows: readonly string[]): Promise<EventPhotoRow[]> {
  if (eventRows.length === 0) return [];
  return photos(db)
    .select(photoColumns)
    .where('p.event_row', 'in', eventRows)
    .orderBy('p.created_at')
    .orderBy('p.id')
    .execute();
}

/**
 * Photos of the events that mention a lot (any role: commissioned, shipped, transformed from or into it), limited
 * to the organisations given (undefined: every organisation, for the province), oldest event first.
 */
export async function listPhotosOfLot(
  db: Kysely<DB>,
  lot: { gtin: string; lot: string },
  organisations: readonly string[] | undefined,
  limit: number,
) {
  let query = photos(db)
    .select(photoColumns)
    .select(['e.event_time', 'e.biz_step'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('epcis_event_epc as x')
          .select('x.event_row')
          .whereRef('x.event_row', '=', 'p.event_row')
          .where('x.gtin', '=', lot.gtin)
          .where('x.lot', '=', lot.lot),
      ),
    );
  if (organisations !== undefined) {
    if (organisations.length === 0) return [];
    query = query.where('p.organisation_id', 'in', organisations);
  }
  return query.orderBy('e.event_time').orderBy('p.created_at').orderBy('p.id').limit(limit).execute();
}
