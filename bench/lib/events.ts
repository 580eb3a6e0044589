import { withCheckDigit } from '../../src/identifiers/check-digit.ts';

/**
 * Generated EPCIS 2.0 JSON-LD for benchmarks: realistic Huế supply-chain events with valid GS1 keys (prefix 893),
 * deterministic from a seed so runs are comparable.
 */

const CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
const STEPS = ['commissioning', 'packing', 'shipping', 'receiving', 'storing', 'inspecting'] as const;

export const gtinOf = (product: number): string =>
  withCheckDigit(
    `0893${String(5000000 + (product % 1000)).padStart(7, '0')}${String(product % 100).padStart(2, '0')}`.slice(0, 13),
  );
export const glnOf = (site: number): string =>
  withCheckDigit(
    `893${String(6000000 + (site % 5000)).padStart(7, '0')}${String(site % 100).padStart(2, '0')}`.slice(0, 12),
  );

export function benchEvent(i: number): Record<string, unknown> {
  const product = i % 997;
  const site = i % 4999;
  const step = STEPS[i % STEPS.length]!;
  const seconds = Math.floor(i / 3);
  const time = new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString().replace('.000Z', '+00:00');
  const gtin = gtinOf(product);
  const event: Record<string, unknown> = {
    type: 'ObjectEvent',
    eventTime: time,
    eventTimeZoneOffset: '+07:00',
    epcList: [0, 1, 2].map((k) => `https://id.gs1.org/01/${gtin}/21/S${i}-${k}`),
    action: step === 'commissioning' ? 'ADD' : 'OBSERVE',
    bizStep: step,
    disposition: step === 'shipping' ? 'in_transit' : 'active',
    readPoint: { id: `https://id.gs1.org/414/${glnOf(site)}` },
    bizLocation: { id: `https://id.gs1.org/414/${glnOf(site)}` },
  };
  if (step === 'shipping' || step === 'receiving') {
    event.sourceList = [{ type: 'owning_party', source: `https://id.gs1.org/417/${glnOf(site)}` }];
    event.destinationList = [{ type: 'owning_party', destination: `https://id.gs1.org/417/${glnOf(site + 1)}` }];
    event.bizTransactionList = [{ type: 'desadv', bizTransaction: `urn:epcglobal:cbv:bt:${glnOf(site)}:DA-${i}` }];
  }
  return event;
}

export function benchDocument(start: number, count: number): string {
  return JSON.stringify({
    '@context': CONTEXT,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-01-01T00:00:00+07:00',
    epcisBody: { eventList: Array.from({ length: count }, (_, k) => benchEvent(start + k)) },
  });
}
