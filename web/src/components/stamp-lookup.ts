import { api, ApiError, query } from '../api.ts';
import type { StampBatch } from '../types.ts';

/** A stamp as `GET /api/stamp-batches/{id}/stamps` lists it. */
export interface StampRow {
  readonly id: string;
  readonly sequence: number;
  readonly serial: string;
  readonly gtin: string;
  readonly uri: string;
  readonly lot: string | null;
  readonly state: 'issued' | 'activated' | 'scanned' | 'void';
  readonly scanCount: number;
}

/**
 * One of the organisation's own stamps by its GTIN and serial (what its QR code's Digital Link carries), with its
 * batch, in one request (`GET /api/stamps?gtin=&serial=`); undefined when the organisation may not see such a stamp
 * or none exists (the server answers both with 404).
 */
export async function findOwnStamp(
  gtin: string,
  serial: string,
): Promise<{ stamp: StampRow; batch: StampBatch } | undefined> {
  try {
    const { batch, ...stamp } = await api<StampRow & { batch: StampBatch }>(`/api/stamps${query({ gtin, serial })}`);
    return { stamp, batch };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}
