/**
 * Parse + validate + hash throughput of the pure EPCIS core on generated 1,000-event JSON-LD documents (no
 * database). Run: `npx tsx scripts/epcis-throughput.ts [documents=20]` (`-- --dump FILE` writes one document).
 */
import { documentEventHashes, parseEpcisDocument } from '../src/epcis/index.ts';
import { withCheckDigit } from '../src/identifiers/check-digit.ts';

function generatedDocument(seed: number, events = 1000): string {
  const eventList = Array.from({ length: events }, (_, i) => {
    const serial = seed * events + i;
    const lot = `L${seed}-${i % 17}`;
    return {
      type: 'ObjectEvent',
      eventTime: new Date(Date.UTC(2025, 0, 1, 8, 0, 0) + serial * 1000).toISOString(),
      eventTimeZoneOffset: '+07:00',
      epcList: [`urn:epc:id:sgtin:8935001.0${String(12345 + (i % 50)).padStart(5, '0')}.${serial}`],
      action: i % 10 === 0 ? 'ADD' : 'OBSERVE',
      bizStep: i % 10 === 0 ? 'commissioning' : 'shipping',
      disposition: 'in_transit',
      readPoint: { id: `https://id.gs1.org/414/${withCheckDigit('893500100' + String(1000 + (i % 9)).slice(-3))}` },
      bizTransactionList: [{ type: 'po', bizTransaction: `urn:epcglobal:cbv:bt:8935001000003:PO${seed}` }],
      ...(i % 10 === 0 ? { ilmd: { 'cbvmda:lotNumber': lot, 'hue:harvestArea': 'A-1' } } : {}),
      'hue:temperature': 4 + (i % 3),
    };
  });
  return JSON.stringify({
    '@context': [
      'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      { hue: 'https://hue.example.vn/ns/' },
    ],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2025-01-01T00:00:00Z',
    epcisBody: { eventList },
  });
}

const count = Number(process.argv[2] ?? 20) || 20;
// `--dump FILE` writes one generated document for inspection instead of measuring.
const dump = process.argv.indexOf('--dump');
if (dump > 0) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(process.argv[dump + 1] ?? 'epcis-1000.jsonld', generatedDocument(0));
  process.exit(0);
}
const docs = Array.from({ length: count }, (_, i) => Buffer.from(generatedDocument(i)));
// Warm up the JIT and compile the JSON Schema once.
documentEventHashes(parseEpcisDocument(docs[0]!, 'json'));
const start = process.hrtime.bigint();
let events = 0;
for (const doc of docs) events += documentEventHashes(parseEpcisDocument(doc, 'json')).length;
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(
  `${events} events in ${seconds.toFixed(2)} s: ${Math.round(events / seconds)} events/s (one core, parse + validate + hash)`,
);
