import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { api, ApiError } from '../api.ts';

/**
 * The offline outbox: every event recorded in the app is first written to IndexedDB with its own eventID and
 * capture time, then sent to `POST /epcis/events`. The server treats an event it already holds (same content,
 * same eventID) as a duplicate, so sending a record again after a lost answer never stores it twice; a
 * different event under the same eventID is a conflict the user sees.
 */

export type OutboxState = 'pending' | 'synced' | 'rejected' | 'conflict';

export interface OutboxRecord {
  /** The EPCIS eventID (urn:uuid:…), chosen on the device. */
  readonly id: string;
  readonly capturedAt: string;
  /** What the user recorded, for the list ("Thu hoạch — Hạt sen, lô TT-1"). */
  readonly label: string;
  readonly organisationId: string;
  readonly event: Record<string, unknown>;
  state: OutboxState;
  attempts: number;
  error?: string;
  syncedAt?: string;
  /** Photos attached on the device that the server does not hold yet (kept in the `photos` store). */
  photosPending?: number;
}

/**
 * A photo taken for an event, kept on the device (the image itself, as a Blob) until the server holds it. Its id is
 * sent with the upload: a retried upload whose answer was lost does not add a second photo.
 */
export interface OutboxPhoto {
  readonly id: string;
  readonly eventId: string;
  readonly capturedAt: string;
  readonly name: string;
  readonly blob: Blob;
}

interface OutboxDb extends DBSchema {
  outbox: { key: string; value: OutboxRecord; indexes: { capturedAt: string } };
  photos: { key: string; value: OutboxPhoto; indexes: { eventId: string } };
}

let database: Promise<IDBPDatabase<OutboxDb>> | undefined;

function db(): Promise<IDBPDatabase<OutboxDb>> {
  database ??= openDB<OutboxDb>('truyxuat', 2, {
    upgrade(upgradeDb, oldVersion) {
      if (oldVersion < 1) {
        const store = upgradeDb.createObjectStore('outbox', { keyPath: 'id' });
        store.createIndex('capturedAt', 'capturedAt');
      }
      if (oldVersion < 2) {
        const photos = upgradeDb.createObjectStore('photos', { keyPath: 'id' });
        photos.createIndex('eventId', 'eventId');
      }
    },
  });
  return database;
}

export async function listOutbox(): Promise<OutboxRecord[]> {
  return (await db()).getAllFromIndex('outbox', 'capturedAt');
}

export async function putRecord(record: OutboxRecord): Promise<void> {
  await (await db()).put('outbox', record);
}

/** Keeps a record and its photos on the device in one transaction. */
export async function putRecordWithPhotos(record: OutboxRecord, photos: readonly OutboxPhoto[]): Promise<void> {
  const tx = (await db()).transaction(['outbox', 'photos'], 'readwrite');
  await Promise.all([
    tx.objectStore('outbox').put({ ...record, photosPending: photos.length }),
    ...photos.map((p) => tx.objectStore('photos').put(p)),
    tx.done,
  ]);
}

export async function photosOf(eventId: string): Promise<OutboxPhoto[]> {
  return (await db()).getAllFromIndex('photos', 'eventId', eventId);
}

export async function deleteRecord(id: string): Promise<void> {
  const tx = (await db()).transaction(['outbox', 'photos'], 'readwrite');
  const photoKeys = await tx.objectStore('photos').index('eventId').getAllKeys(id);
  await Promise.all([tx.objectStore('outbox').delete(id), ...photoKeys.map((k) => tx.objectStore('photos').delete(k))]);
  await tx.done;
}

export async function clearSynced(): Promise<void> {
  const all = await listOutbox();
  const store = (await db()).transaction('outbox', 'readwrite').store;
  await Promise.all(all.filter((r) => r.state === 'synced').map((r) => store.delete(r.id)));
}

/** The JSON-LD context every captured event carries (EPCIS 2.0 plus the platform's `tx:` namespace). */
export const EVENT_CONTEXT = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  { tx: 'https://truyxuat.vn/epcis/' },
];

export interface SyncOutcome {
  readonly sent: number;
  /** Stopped because the connection (or the session) is gone; the rest stays pending. */
  readonly interrupted: boolean;
}

let running: Promise<SyncOutcome> | undefined;

/** Sends the pending records oldest first; one run at a time. */
export function syncOutbox(organisationId: string): Promise<SyncOutcome> {
  running ??= runSync(organisationId).finally(() => {
    running = undefined;
  });
  return running;
}

async function runSync(organisationId: string): Promise<SyncOutcome> {
  let sent = 0;
  for (const record of await listOutbox()) {
    if (record.organisationId !== organisationId) continue;
    if (record.state === 'synced' && (record.photosPending ?? 0) > 0) {
      // The event is on the server; its photos follow (also after an upload that lost its connection).
      if (!(await uploadPhotos(record))) return { sent, interrupted: true };
      continue;
    }
    if (record.state !== 'pending') continue;
    record.attempts += 1;
    try {
      await api('/epcis/events', {
        method: 'POST',
        body: { '@context': EVENT_CONTEXT, ...record.event },
        contentType: 'application/ld+json',
        // Sent on its first try, the form's record went straight to the server; one kept on the phone after a try
        // that found no connection (or no session) is synced later: the insights count it as the offline app's.
        headers: { 'x-truyxuat-channel': record.attempts > 1 ? 'offline' : 'web' },
      });
      record.state = 'synced';
      record.syncedAt = new Date().toISOString();
      delete record.error;
      sent += 1;
      await putRecord(record);
      if ((record.photosPending ?? 0) > 0 && !(await uploadPhotos(record))) return { sent, interrupted: true };
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError(0, 'network', 'network', String(e));
      // No connection, no session or a server fault: keep it for the next try.
      if (error.network || error.status === 401 || error.status >= 500 || error.status === 429) {
        await putRecord(record);
        return { sent, interrupted: true };
      }
      record.state = error.status === 409 ? 'conflict' : 'rejected';
      record.error = [
        error.title,
        ...error.fields.map((f) => f.message),
        error.fields.length ? '' : (error.detail ?? ''),
      ]
        .filter((s) => s !== '')
        .join(' — ');
      await putRecord(record);
    }
  }
  return { sent, interrupted: false };
}

/**
 * Uploads the photos of a record whose event the server holds, oldest first; each one leaves the device once the
 * server answers (201 stored, 200 already there). False when the connection or the session is gone (they stay for
 * the next run); a photo the server refuses (not an image, too large) is dropped with the reason on the record.
 */
async function uploadPhotos(record: OutboxRecord): Promise<boolean> {
  const photos = (await photosOf(record.id)).sort((a, b) => a.capturedAt.localeCompare(b.capturedAt));
  for (const photo of photos) {
    const form = new FormData();
    form.append('photoId', photo.id);
    form.append('capturedAt', photo.capturedAt);
    form.append('file', photo.blob, photo.name);
    try {
      await api(`/api/events/${encodeURIComponent(record.id)}/photos`, { method: 'POST', body: form });
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError(0, 'network', 'network', String(e));
      if (error.network || error.status === 401 || error.status >= 500 || error.status === 429) return false;
      record.error = [error.title, ...error.fields.map((f) => f.message)].filter((x) => x !== '').join(' — ');
    }
    await (await db()).delete('photos', photo.id);
    record.photosPending = Math.max(0, (record.photosPending ?? 1) - 1);
    await putRecord(record);
  }
  return true;
}

/** A fresh EPCIS eventID. `crypto.randomUUID` needs a secure context; the fallback does not. */
export function newEventId(): string {
  if (typeof crypto.randomUUID === 'function') return `urn:uuid:${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
