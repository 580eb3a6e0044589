import { epcUrnToDigitalLink } from '../identifiers/epc.ts';
import type { EpcisDocument, EpcisEvent } from './model.ts';

/** Builds EPCIS 2.0 query results (§8.2.7 / REST binding) from stored events; pure. */

export const EPCIS_CONTEXT_URL = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';

/** `GS1-EPC-Format` request header values (REST binding): how identifiers are written in the answer. */
export type EpcFormat = 'No_Preference' | 'Always_GS1_Digital_Link' | 'Always_EPC_URN' | 'Never_Translates';

export interface ResultEvent {
  readonly document: Record<string, unknown>;
  readonly recordTime: Date;
  readonly namespaces: Record<string, string>;
}

const IDENTIFIER_LISTS = ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList'] as const;
const QUANTITY_LISTS = ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList'] as const;

function toDigitalLink(value: unknown): unknown {
  return typeof value === 'string' && value.startsWith('urn:epc:') ? (epcUrnToDigitalLink(value) ?? value) : value;
}

/**
 * Rewrites EPC URNs as GS1 Digital Links when the client asks `Always_GS1_Digital_Link`. The opposite direction
 * needs each company prefix's length, which a Digital Link does not carry, so `Always_EPC_URN` leaves identifiers
 * as they were captured (the REST binding allows a server to keep the captured form).
 */
export function applyEpcFormat(event: Record<string, unknown>, format: EpcFormat): Record<string, unknown> {
  if (format !== 'Always_GS1_Digital_Link') return event;
  const out: Record<string, unknown> = { ...event };
  for (const list of IDENTIFIER_LISTS)
    if (Array.isArray(out[list])) out[list] = (out[list] as unknown[]).map(toDigitalLink);
  for (const list of QUANTITY_LISTS) {
    if (Array.isArray(out[list])) {
      out[list] = (out[list] as Record<string, unknown>[]).map((q) => ({ ...q, epcClass: toDigitalLink(q.epcClass) }));
    }
  }
  if (out.parentID !== undefined) out.parentID = toDigitalLink(out.parentID);
  for (const field of ['readPoint', 'bizLocation'] as const) {
    const loc = out[field] as Record<string, unknown> | undefined;
    if (loc && typeof loc.id === 'string') out[field] = { ...loc, id: toDigitalLink(loc.id) };
  }
  return out;
}

/** The stored event as it is answered: recordTime from the repository, identifiers in the requested format. */
export function resultEvent(event: ResultEvent, format: EpcFormat): EpcisEvent {
  return {
    ...applyEpcFormat(event.document, format),
    recordTime: event.recordTime.toISOString(),
  } as unknown as EpcisEvent;
}

/** Every extension prefix used by the events, for the answer's `@context` (and the XML namespace declarations). */
export function mergedNamespaces(events: readonly ResultEvent[]): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const e of events) for (const [prefix, uri] of Object.entries(e.namespaces)) merged[prefix] ??= uri;
  return merged;
}

export function queryResultsDocument(
  events: readonly ResultEvent[],
  options: { queryName?: string; subscriptionID?: string; format?: EpcFormat; now?: Date } = {},
): { document: EpcisDocument; namespaces: Record<string, string> } {
  const namespaces = mergedNamespaces(events);
  const extensionContext = Object.fromEntries(
    Object.entries(namespaces).filter(
      ([prefix]) => !['cbv', 'gs1', 'epcis', 'xsd', 'xsi', 'rdfs', 'owl', 'dcterms'].includes(prefix),
    ),
  );
  const context: unknown[] = [EPCIS_CONTEXT_URL];
  if (Object.keys(extensionContext).length > 0) context.push(extensionContext);
  return {
    namespaces,
    document: {
      '@context': context,
      type: 'EPCISQueryDocument',
      schemaVersion: '2.0',
      creationDate: (options.now ?? new Date()).toISOString(),
      epcisBody: {
        queryResults: {
          queryName: options.queryName ?? 'SimpleEventQuery',
          ...(options.subscriptionID ? { subscriptionID: options.subscriptionID } : {}),
          resultsBody: { eventList: events.map((e) => resultEvent(e, options.format ?? 'No_Preference')) },
        },
      },
    },
  };
}
