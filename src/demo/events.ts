import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { captureWithin } from '../epcis/capture.service.ts';
import type { Caller } from '../shared/caller.ts';
import type { DemoClock } from './clock.ts';
import type { DemoRegistry } from './index.ts';

/**
 * Event histories of the demo products, captured through the normal capture path (parse, validate, hash, store)
 * as each organisation would: harvest → processing → packing → shipping → receiving → sale, across organisations.
 * Times are written as of the story's day (DEMO_STORY_DAY, June 2026) and move with the demo's clock to the day the
 * demo is loaded, harvest and best-before dates with them: the same data set for a given load day, and recent
 * events whatever the day.
 */

const CONTEXT = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  { tx: 'https://truyxuat.vn/epcis/' },
];
const TZ = '+07:00';
const DEMO: Caller = { kind: 'system', reason: 'demo data' };

type Json = Record<string, unknown>;

function doc(events: Json[], clock: DemoClock): string {
  return JSON.stringify({
    '@context': CONTEXT,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: `${clock.today}T00:00:00${TZ}`,
    epcisBody: { eventList: events },
  });
}

const lotOf = (gtin: string, lot: string) => `https://id.gs1.org/01/${gtin}/10/${encodeURIComponent(lot)}`;
const place = (gln: string) => ({ id: `https://id.gs1.org/414/${gln}` });
const party = (gln: string) => `https://id.gs1.org/417/${gln}`;
const qty = (gtin: string, lot: string, quantity: number, uom = 'KGM') => ({
  epcClass: lotOf(gtin, lot),
  quantity,
  uom,
});

interface Chain {
  readonly organisation: string;
  readonly events: Json[];
}

/** A shipping (at the sender) or receiving (at the receiver) event of one consignment, named by its despatch advice. */
function transfer(
  at: (day: string, time: string) => Json,
  step: 'shipping' | 'receiving',
  from: { gln: string; site: string },
  to: { gln: string; site: string },
  items: Json[],
  day: string,
  reference: string,
): Json {
  const shipping = step === 'shipping';
  return {
    type: 'ObjectEvent',
    ...at(day, shipping ? '07:30' : '15:00'),
    action: 'OBSERVE',
    bizStep: step,
    disposition: shipping ? 'in_transit' : 'in_progress',
    quantityList: items,
    readPoint: place(shipping ? from.site : to.site),
    ...(shipping ? {} : { bizLocation: place(to.site) }),
    bizTransactionList: [{ type: 'desadv', bizTransaction: `urn:epcglobal:cbv:bt:${from.gln}:${reference}` }],
    sourceList: [{ type: 'owning_party', source: party(from.gln) }],
    destinationList: [{ type: 'owning_party', destination: party(to.gln) }],
  };
}

export function demoChains(demo: DemoRegistry): Chain[] {
  const product = (key: string) => demo.products.get(key)!.gtin;
  const site = (key: string) => demo.locations.get(key)!.gln;
  const org = (key: string) => demo.organisations.get(key)!;
  const { clock } = demo;
  const at = (day: string, time: string): Json => ({ eventTime: clock.local(day, time), eventTimeZoneOffset: TZ });
  const day = (storyDay: string) => clock.day(storyDay);

  const shop = { gln: site('dong-ba-warehouse'), site: site('dong-ba-warehouse') };
  const chains: Chain[] = [];

  // Sen Huế: two harvests from Tịnh Tâm lake → drying and sorting → packed lot → Đông Ba market.
  const sen = product('hat-sen');
  const senFrom = { gln: site('sen-processing'), site: site('sen-processing') };
  chains.push({
    organisation: org('sen'),
    events: [
      {
        type: 'ObjectEvent',
        ...at('2026-06-10', '05:30'),
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: 'active',
        quantityList: [qty(sen, 'TT-2606-A', 350)],
        readPoint: place(site('sen-lake')),
        bizLocation: place(site('sen-lake')),
        ilmd: { 'tx:harvestDate': day('2026-06-10'), 'tx:pond': 'Hồ Tịnh Tâm, ô 3' },
      },
      {
        type: 'ObjectEvent',
        ...at('2026-06-12', '05:45'),
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: 'active',
        quantityList: [qty(sen, 'TT-2606-B', 280)],
        readPoint: place(site('sen-lake')),
        bizLocation: place(site('sen-lake')),
        ilmd: { 'tx:harvestDate': day('2026-06-12'), 'tx:pond': 'Hồ Tịnh Tâm, ô 5' },
      },
      {
        type: 'TransformationEvent',
        ...at('2026-06-14', '08:00'),
        bizStep: 'commissioning',
        disposition: 'active',
        inputQuantityList: [qty(sen, 'TT-2606-A', 350), qty(sen, 'TT-2606-B', 280)],
        outputQuantityList: [qty(sen, 'HS-2606', 410)],
        bizLocation: place(site('sen-processing')),
        ilmd: { 'tx:process': 'Tách vỏ, sấy khô, phân loại', 'tx:bestBefore': day('2027-06-14') },
      },
      {
        type: 'ObjectEvent',
        ...at('2026-06-15', '10:00'),
        action: 'OBSERVE',
        bizStep: 'packing',
        disposition: 'active',
        quantityList: [qty(sen, 'HS-2606', 410)],
        readPoint: place(site('sen-processing')),
        bizLocation: place(site('sen-processing')),
      },
      transfer(at, 'shipping', senFrom, shop, [qty(sen, 'HS-2606', 200)], '2026-06-16', 'SEN-0616'),
    ],
  });

  // Nước mắm Phú Thuận: anchovies landed → fermentation → bottling → Đông Ba.
  const mam = product('nuoc-mam');
  const mamFrom = { gln: site('phu-thuan-factory'), site: site('phu-thuan-factory') };
  chains.push({
    organisation: org('phu-thuan'),
    events: [
      {
        type: 'ObjectEvent',
        ...at('2025-06-02', '04:30'),
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: 'active',
        quantityList: [qty(mam, 'CHUOP-2506', 3000, 'KGM')],
        readPoint: place(site('phu-thuan-landing')),
        bizLocation: place(site('phu-thuan-factory')),
        ilmd: { 'tx:fish': 'Cá cơm than', 'tx:saltRatio': '3:1', 'tx:fermentationStart': day('2025-06-02') },
      },
      {
        type: 'TransformationEvent',
        ...at('2026-06-05', '09:00'),
        bizStep: 'commissioning',
        disposition: 'active',
        inputQuantityList: [qty(mam, 'CHUOP-2506', 3000, 'KGM')],
        outputQuantityList: [qty(mam, 'NM-2606', 1800, 'H87')],
        bizLocation: place(site('phu-thuan-factory')),
        ilmd: { 'tx:protein': '35 g/l', 'tx:bestBefore': day('2028-06-05') },
      },
      transfer(at, 'shipping', mamFrom, shop, [qty(mam, 'NM-2606', 240, 'H87')], '2026-06-08', 'NM-0608'),
    ],
  });

  // Gạo hữu cơ An Lỗ: paddy harvested → milled and packed → Đông Ba.
  const gao = product('gao-huu-co');
  const gaoFrom = { gln: site('an-lo-mill'), site: site('an-lo-mill') };
  chains.push({
    organisation: org('an-lo'),
    events: [
      {
        type: 'ObjectEvent',
        ...at('2026-05-20', '06:00'),
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: 'active',
        quantityList: [qty(gao, 'LUA-2605', 4200)],
        readPoint: place(site('an-lo-field')),
        bizLocation: place(site('an-lo-field')),
        ilmd: { 'tx:harvestDate': day('2026-05-20'), 'tx:variety': 'HG12 hữu cơ' },
      },
      {
        type: 'TransformationEvent',
        ...at('2026-05-27', '08:00'),
        bizStep: 'commissioning',
        disposition: 'active',
        inputQuantityList: [qty(gao, 'LUA-2605', 4200)],
        outputQuantityList: [qty(gao, 'GAO-2605', 2700)],
        bizLocation: place(site('an-lo-mill')),
        ilmd: { 'tx:milledOn': day('2026-05-27'), 'tx:bestBefore': day('2027-05-27') },
      },
      {
        type: 'ObjectEvent',
        ...at('2026-05-28', '09:00'),
        action: 'OBSERVE',
        bizStep: 'packing',
        disposition: 'active',
        quantityList: [qty(gao, 'GAO-2605', 2700)],
        readPoint: place(site('an-lo-mill')),
        bizLocation: place(site('an-lo-mill')),
      },
      transfer(at, 'shipping', gaoFrom, shop, [qty(gao, 'GAO-2605', 500)], '2026-06-01', 'GAO-0601'),
    ],
  });

  // Mè xửng: made and packed in the kitchen → Đông Ba.
  const me = product('me-xung');
  const meFrom = { gln: site('me-xung-kitchen'), site: site('me-xung-kitchen') };
  chains.push({
    organisation: org('me-xung'),
    events: [
      {
        type: 'ObjectEvent',
        ...at('2026-06-18', '07:00'),
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: 'active',
        quantityList: [qty(me, 'MX-260618', 600, 'H87')],
        readPoint: place(site('me-xung-kitchen')),
        bizLocation: place(site('me-xung-kitchen')),
        ilmd: { 'tx:productionDate': day('2026-06-18'), 'tx:bestBefore': day('2026-12-18') },
      },
      transfer(at, 'shipping', meFrom, shop, [qty(me, 'MX-260618', 150, 'H87')], '2026-06-19', 'MX-0619'),
    ],
  });

  // Đông Ba receives every shipment and sells some of it.
  chains.push({
    organisation: org('dong-ba'),
    events: [
      transfer(at, 'receiving', senFrom, shop, [qty(sen, 'HS-2606', 200)], '2026-06-16', 'SEN-0616'),
      transfer(at, 'receiving', mamFrom, shop, [qty(mam, 'NM-2606', 240, 'H87')], '2026-06-08', 'NM-0608'),
      transfer(at, 'receiving', gaoFrom, shop, [qty(gao, 'GAO-2605', 480)], '2026-06-01', 'GAO-0601'),
      transfer(at, 'receiving', meFrom, shop, [qty(me, 'MX-260618', 150, 'H87')], '2026-06-19', 'MX-0619'),
      {
        type: 'ObjectEvent',
        ...at('2026-06-20', '18:00'),
        action: 'OBSERVE',
        bizStep: 'retail_selling',
        disposition: 'retail_sold',
        quantityList: [qty(sen, 'HS-2606', 35), qty(me, 'MX-260618', 42, 'H87')],
        readPoint: place(site('dong-ba-shop')),
        bizLocation: place(site('dong-ba-shop')),
      },
    ],
  });
  return chains;
}

/** The demo step that captures every chain (registered in the demo loader's steps). */
export async function captureDemoEvents(db: Kysely<DB> | Transaction<DB>, demo: DemoRegistry): Promise<void> {
  const run = async (trx: Transaction<DB>) => {
    for (const chain of demoChains(demo)) {
      await captureWithin(trx, DEMO, {
        body: doc(chain.events, demo.clock),
        format: 'json',
        onBehalfOf: chain.organisation,
        channel: 'demo',
      });
    }
  };
  if (db.isTransaction) await run(db as Transaction<DB>);
  else await db.transaction().execute(run);
}
