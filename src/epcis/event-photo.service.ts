import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { callerOrganisation, requirePermission, seesEverything, type Caller } from '../shared/caller.ts';
import { AppError, invalid, notFound } from '../shared/errors.ts';
import { t, type MessageKey } from '../shared/messages.ts';
import { recordAudit } from '../audit/index.ts';
import { storeMedia } from '../registry/media.service.ts';
import * as repo from './event-photo.repository.ts';

/**
 * Photos attached to events: taken in the field, often with no connection, and uploaded once the event itself is
 * captured. Each photo carries the id the device gave it, so a retried upload (its answer lost) finds the photo it
 * already made instead of adding a second one. The bytes are checked and stored like every upload (`media`,
 * images only: JPEG, PNG, WebP by their first bytes).
 *
 * Who sees them: the business that owns the event and the province. They are not public: the consumer page shows
 * only what the product group's standard marks public, and field photos may show people, places and documents
 * (DESIGN.md §3 Visibility), so publishing them is left to a later, explicit choice of the business.
 */

/** At most this many photos per event, so that a looping device cannot fill the database through one event. */
export const MAX_PHOTOS_PER_EVENT = 20;

const CLIENT_ID = /^[A-Za-z0-9:._-]{1,100}$/;

export interface EventPhoto {
  readonly id: string;
  readonly photoId: string;
  readonly eventId: string;
  readonly mediaId: string;
  readonly url: string;
  readonly contentType: string;
  readonly byteSize: number;
  readonly capturedAt: Date | null;
  readonly uploadedAt: Date;
}

function toPhoto(row: repo.EventPhotoRow): EventPhoto {
  return {
    id: row.id,
    photoId: row.client_photo_id,
    eventId: row.event_id,
    mediaId: row.media_id,
    url: `/api/media/${row.media_id}`,
    contentType: row.content_type,
    byteSize: row.byte_size,
    capturedAt: row.captured_at,
    uploadedAt: row.created_at,
  };
}

/** A validation problem on one field, its message looked up in the catalogue (the shared `invalid`). */
const fieldProblem = (field: string, key: MessageKey): AppError => invalid(field, t('en', key), key);

export interface PhotoUpload {
  /** The id the device gave the photo (e.g. a UUID): the key that makes a retried upload harmless. */
  readonly photoId: string | undefined;
  readonly data: Buffer;
  readonly filename?: string | undefined;
  readonly capturedAt?: string | undefined;
}

/**
 * Attaches a photo to an event the caller's organisation owns (`epcis:capture`). Answers `created: false` with the
 * photo already stored when the same photo id comes again with the same bytes; other bytes under that id are a
 * conflict. Another organisation's event, or an unknown one, is not found.
 */
export async function attachEventPhoto(
  db: Kysely<DB>,
  caller: Caller,
  eventId: string,
  upload: PhotoUpload,
): Promise<{ photo: EventPhoto; created: boolean }> {
  requirePermission(caller, 'epcis:capture');
  const organisationId = callerOrganisation(caller);
  if (organisationId === undefined) throw notFound('Event');
  const photoId = upload.photoId?.trim() ?? '';
  if (!CLIENT_ID.test(photoId)) throw fieldProblem('photoId', 'eventPhoto.clientId');
  let capturedAt: Date | null = null;
  if (upload.capturedAt !== undefined && upload.capturedAt !== '') {
    capturedAt = new Date(upload.capturedAt);
    if (Number.isNaN(capturedAt.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(upload.capturedAt))
      throw fieldProblem('capturedAt', 'eventPhoto.capturedAt');
  }
  const sha256 = createHash('sha256').update(upload.data).digest('hex');

  return inTransaction(db, async (trx) => {
    const event = await repo.findOwnedEvent(trx, eventId, organisationId);
    if (!event) throw notFound('Event');
    const existing = await repo.findPhoto(trx, event.id, photoId);
    if (existing) return same(existing);
    if ((await repo.countPhotos(trx, event.id)) >= MAX_PHOTOS_PER_EVENT)
      throw fieldProblem('file', 'eventPhoto.tooMany');
    const media = await storeMedia(trx, organisationId, 'image', upload.data, upload.filename);
    const inserted = await repo.insertPhoto(trx, {
      id: randomUUID(),
      organisation_id: organisationId,
      event_row: event.id,
      client_photo_id: photoId,
      media_id: media.id,
      captured_at: capturedAt,
      created_by: caller.kind === 'user' ? caller.userId : null,
    });
    if (!inserted) {
      // A concurrent retry of the same photo won the race: keep its row, drop the bytes stored here.
      await repo.deleteMedia(trx, media.id);
      return same((await repo.findPhoto(trx, event.id, photoId))!);
    }
    await recordAudit(trx, caller, {
      action: 'epcis.event.photo.attach',
      objectType: 'epcis_event',
      objectId: eventId,
      organisationId,
      change: { photoId, mediaId: media.id, sha256: media.sha256, byteSize: media.byteSize },
    });
    return { photo: toPhoto((await repo.findPhoto(trx, event.id, photoId))!), created: true };
  });

  function same(existing: repo.EventPhotoRow): { photo: EventPhoto; created: boolean } {
    if (existing.sha256 !== sha256)
      throw new AppError('conflict', t('en', 'eventPhoto.idTaken'), {
        fields: [{ field: 'photoId', message: t('en', 'eventPhoto.idTaken'), messageKey: 'eventPhoto.idTaken' }],
      });
    return { photo: toPhoto(existing), created: false };
  }
}

/** The photos of an event: the owner's own (`epcis:query`), or every owner's for the province. */
export async function listEventPhotos(db: Kysely<DB>, caller: Caller, eventId: string): Promise<EventPhoto[]> {
  requirePermission(caller, 'epcis:query');
  let rows: string[];
  if (seesEverything(caller)) rows = (await repo.findEventsById(db, eventId)).map((e) => e.id);
  else {
    const own = callerOrganisation(caller);
    const event = own === undefined ? undefined : await repo.findOwnedEvent(db, eventId, own);
    rows = event ? [event.id] : [];
  }
  if (rows.length === 0) throw notFound('Event');
  return (await repo.listPhotosOfEvents(db, rows)).map(toPhoto);
}

/** Photos of the events that mention a lot, for the lot page: the caller's own events, or all for the province. */
export async function listLotPhotos(
  db: Kysely<DB>,
  caller: Caller,
  lot: { gtin: string; lot: string },
  limit = 200,
): Promise<(EventPhoto & { eventTime: Date; bizStep: string | null })[]> {
  requirePermission(caller, 'epcis:query');
  const own = callerOrganisation(caller);
  const organisations = seesEverything(caller) ? undefined : own === undefined ? [] : [own];
  const rows = await repo.listPhotosOfLot(db, lot, organisations, limit);
  return rows.map((r) => ({ ...toPhoto(r), eventTime: r.event_time, bizStep: r.biz_step }));
}
