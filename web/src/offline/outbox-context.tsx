import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useSession } from '../session.tsx';
import {
  clearSynced,
  deleteRecord,
  listOutbox,
  newEventId,
  putRecordWithPhotos,
  syncOutbox,
  type OutboxRecord,
} from './outbox.ts';

interface Outbox {
  readonly records: readonly OutboxRecord[];
  readonly pending: number;
  /**
   * Keeps the record (and the photos taken for it) on the device, then tries to send it; answers the record as it
   * stands after the try.
   */
  readonly enqueue: (record: OutboxRecord, photos?: readonly File[]) => Promise<OutboxRecord>;
  readonly sync: () => Promise<number>;
  readonly discard: (id: string) => Promise<void>;
  readonly clearSynced: () => Promise<void>;
}

const OutboxContext = createContext<Outbox | null>(null);
const RETRY_MS = 20_000;

export function OutboxProvider({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const organisationId = me.organisationId ?? '';
  const [records, setRecords] = useState<OutboxRecord[]>([]);

  const refresh = useCallback(async () => {
    const all = await listOutbox();
    setRecords(all.filter((r) => r.organisationId === organisationId));
    return all;
  }, [organisationId]);

  const sync = useCallback(async () => {
    const outcome = await syncOutbox(organisationId);
    await refresh();
    return outcome.sent;
  }, [organisationId, refresh]);

  useEffect(() => {
    void sync();
    const onOnline = () => void sync();
    window.addEventListener('online', onOnline);
    const timer = window.setInterval(() => {
      if (navigator.onLine) void sync();
    }, RETRY_MS);
    return () => {
      window.removeEventListener('online', onOnline);
      window.clearInterval(timer);
    };
  }, [sync]);

  const value = useMemo<Outbox>(
    () => ({
      records,
      pending: records.filter((r) => r.state === 'pending').length,
      enqueue: async (record, photos = []) => {
        const capturedAt = new Date().toISOString();
        await putRecordWithPhotos(
          record,
          photos.map((file) => ({
            id: newEventId().slice('urn:uuid:'.length),
            eventId: record.id,
            capturedAt: file.lastModified ? new Date(file.lastModified).toISOString() : capturedAt,
            name: file.name,
            blob: file,
          })),
        );
        await sync();
        const all = await listOutbox();
        return all.find((r) => r.id === record.id) ?? record;
      },
      sync,
      discard: async (id) => {
        await deleteRecord(id);
        await refresh();
      },
      clearSynced: async () => {
        await clearSynced();
        await refresh();
      },
    }),
    [records, sync, refresh],
  );
  return <OutboxContext.Provider value={value}>{children}</OutboxContext.Provider>;
}

export function useOutbox(): Outbox {
  const value = useContext(OutboxContext);
  if (!value) throw new Error('useOutbox outside OutboxProvider');
  return value;
}
