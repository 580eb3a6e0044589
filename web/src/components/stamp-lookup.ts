import { api, query } from '../api.ts';
import type { PageOf, StampBatch } from '../types.ts';

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

const PAGE = 1000;

/**
 * One of the organisation's own stamps by its GTIN and serial (what its QR code's Digital Link carries), with its
 * batch; undefined when none of the organisation's batches of that GTIN holds it. The API has no look-up by serial,
 * so the batches of the GTIN are read page by page (a batch holds at most 100,000 stamps).
 */
export async function findOwnStamp(
  gtin: string,
  serial: string,
): Promise<{ stamp: StampRow; batch: StampBatch } | undefined> {
  const batches = await api<PageOf<StampBatch>>(`/api/stamp-batches${query({ limit: 500 })}`);
  for (const batch of batches.items.filter((b) => b.gtin === gtin)) {
    for (let offset = 0; offset < batch.quantity; offset += PAGE) {
      const page = await api<PageOf<StampRow>>(
        `/api/stamp-batches/${encodeURIComponent(batch.id)}/stamps${query({ limit: PAGE, offset })}`,
      );
      const stamp = page.items.find((s) => s.serial === serial);
      if (stamp) return { stamp, batch };
      if (page.items.length < PAGE) break;
    }
  }
  return undefined;
}
