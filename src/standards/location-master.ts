import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { EpcisEvent } from '../epcis/model.ts';
import { digitalLinkToElements, epcUrnToElements } from '../identifiers/epc.ts';
import type { EvaluationMasterData } from './evaluate.ts';
import { locationAttributes } from './standards.repository.ts';

/**
 * The GLN (AI 414) a location identifier names: an SGLN EPC URN (`urn:epc:id:sgln:…`, TDS 2.x §14.5.4) or a GS1
 * Digital Link `…/414/{gln}[/254/{ext}]`; null for any other URI.
 */
export function locationGln(id: string): string | null {
  const elements = id.startsWith('urn:epc:') ? epcUrnToElements(id) : digitalLinkToElements(id);
  const first = elements?.[0];
  return first && first[0] === '414' ? first[1] : null;
}

/** Master data of the locations the events name (registry GLNs: growing-area and packing-house codes). */
export async function masterDataFor(
  db: Kysely<DB> | Transaction<DB>,
  events: readonly EpcisEvent[],
): Promise<EvaluationMasterData> {
  const ids = [...new Set(events.map((e) => e.bizLocation?.id).filter((id): id is string => id !== undefined))];
  const byId = new Map(ids.map((id) => [id, locationGln(id)]));
  const attributes = await locationAttributes(
    db,
    [...byId.values()].filter((g): g is string => g !== null),
  );
  const locations: Record<string, Record<string, unknown>> = {};
  for (const [id, gln] of byId) {
    const found = gln === null ? undefined : attributes.get(gln);
    if (found) locations[id] = found;
  }
  return { locations };
}
