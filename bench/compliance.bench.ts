/**
 * `npm run bench -- compliance [--chains 2000] [--sample 400] [--keep] [--schema NAME]`
 *
 * Lots evaluated per second against their products' standards, on a generated province of rice chains: each chain
 * is a paddy harvest at a field (GLN, growing-area code), milling into a rice lot (a transformation), packing,
 * shipping with a despatch advice and the customer's receipt — five events, two lots — held by 20 cooperatives
 * whose paddy and rice products are registered under `agri.rice` (standard `tccs-hue-rice`). Events go through the
 * capture code (`storeEvents`: hash, index, lot graph), GS1 keys from `bench/lib/events.ts`.
 *
 * Measured on a sample of lots: the refresh the capture job runs (`refreshLotCompliance`: products and standards,
 * each lot's backward history as its organisation sees it, location master data, evaluation, the upsert of the lot's
 * score), against the baseline of reading the same lots' histories alone (the same SQL) in the same run.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { storeEvents } from '../src/epcis/capture.service.ts';
import type { EpcisEvent } from '../src/epcis/model.ts';
import { lotHistory } from '../src/standards/compliance.repository.ts';
import { refreshLotCompliance } from '../src/standards/compliance.service.ts';
import { glnOf, gtinOf } from './lib/events.ts';
import { openBenchDatabase } from './lib/postgres.ts';
import { fmt, mulberry32, option } from './measure.ts';

const ORGS = 20;
const NAMESPACES = { tx: 'https://truyxuat.vn/epcis/' };
const DAY = 86_400_000;

const lotUri = (gtin: string, lot: string) => `https://id.gs1.org/01/${gtin}/10/${lot}`;
const time = (ms: number) => ({
  eventTime: new Date(ms).toISOString().replace('.000Z', '+00:00'),
  eventTimeZoneOffset: '+07:00',
});

function chain(c: number): { org: number; events: Record<string, unknown>[] } {
  const org = c % ORGS;
  const paddy = lotUri(gtinOf(2 * org), `LUA-${c}`);
  const rice = lotUri(gtinOf(2 * org + 1), `GAO-${c}`);
  const field = `https://id.gs1.org/414/${glnOf(2 * org)}`;
  const mill = `https://id.gs1.org/414/${glnOf(2 * org + 1)}`;
  const t0 = Date.UTC(2026, 0, 1) + (c % 300) * DAY;
  const kg = 4000 + (c % 500);
  const out = Math.round(kg * (0.62 + (c % 9) / 100));
  const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return {
    org,
    events: [
      {
        type: 'ObjectEvent',
        ...time(t0),
        action: 'ADD',
        bizStep: 'commissioning',
        quantityList: [{ epcClass: paddy, quantity: kg, uom: 'KGM' }],
        readPoint: { id: field },
        bizLocation: { id: field },
        ilmd: { 'tx:harvestDate': date(t0), ...(c % 7 === 0 ? {} : { 'tx:variety': 'HG12' }) },
      },
      {
        type: 'TransformationEvent',
        ...time(t0 + 5 * DAY),
        bizStep: 'commissioning',
        inputQuantityList: [{ epcClass: paddy, quantity: kg, uom: 'KGM' }],
        outputQuantityList: [{ epcClass: rice, quantity: out, uom: 'KGM' }],
        bizLocation: { id: mill },
        ilmd: { 'tx:bestBefore': date(t0 + 365 * DAY) },
      },
      {
        type: 'ObjectEvent',
        ...time(t0 + 6 * DAY),
        action: 'OBSERVE',
        bizStep: 'packing',
        quantityList: [{ epcClass: rice, quantity: out, uom: 'KGM' }],
        readPoint: { id: mill },
        bizLocation: { id: mill },
      },
      {
        type: 'ObjectEvent',
        ...time(t0 + 8 * DAY),
        action: 'OBSERVE',
        bizStep: 'shipping',
        quantityList: [{ epcClass: rice, quantity: 500, uom: 'KGM' }],
        readPoint: { id: mill },
        bizTransactionList: [{ type: 'desadv', bizTransaction: `urn:epcglobal:cbv:bt:${glnOf(2 * org + 1)}:DA-${c}` }],
        sourceList: [{ type: 'owning_party', source: `https://id.gs1.org/417/${glnOf(2 * org + 1)}` }],
        destinationList: [{ type: 'owning_party', destination: `https://id.gs1.org/417/${glnOf(4000 + org)}` }],
      },
      {
        type: 'ObjectEvent',
        ...time(t0 + 9 * DAY),
        action: 'OBSERVE',
        bizStep: 'receiving',
        quantityList: [{ epcClass: rice, quantity: 500, uom: 'KGM' }],
        readPoint: { id: mill },
        bizLocation: { id: mill },
        sourceList: [{ type: 'owning_party', source: `https://id.gs1.org/417/${glnOf(2 * org + 1)}` }],
      },
    ],
  };
}

export default async function run(args: string[]): Promise<void> {
  const chains = Number(option(args, 'chains') ?? 2000);
  const sampleSize = Number(option(args, 'sample') ?? 400);
  const reuse = option(args, 'schema');
  const database = await openBenchDatabase({
    keep: args.includes('--keep') || reuse !== undefined,
    ...(reuse ? { schema: reuse } : {}),
  });
  const { db } = database;
  try {
    let orgs = (await db.selectFrom('organisation').select('id').orderBy('id').execute()).map((r) => r.id);
    if (orgs.length < ORGS) {
      orgs = Array.from({ length: ORGS }, () => randomUUID()).sort();
      for (const [k, id] of orgs.entries()) {
        await db
          .insertInto('organisation')
          .values({ id, name: `HTX thử nghiệm ${k}`, kind: 'cooperative' })
          .execute();
        for (const [j, label] of ['Lúa', 'Gạo'].entries()) {
          await db
            .insertInto('product')
            .values({
              id: randomUUID(),
              organisation_id: id,
              gtin: gtinOf(2 * k + j),
              name: `${label} ${k}`,
              group_code: 'agri.rice',
              search_text: '',
            })
            .execute();
          await db
            .insertInto('location')
            .values({
              id: randomUUID(),
              organisation_id: id,
              gln: glnOf(2 * k + j),
              name: j === 0 ? `Ruộng ${k}` : `Nhà máy xay ${k}`,
              name_en: null,
              kind: j === 0 ? 'farm' : 'factory',
              latitude: null,
              longitude: null,
              growing_area_code: j === 0 ? `VN-TTHOR-${String(k).padStart(4, '0')}` : null,
              packing_house_code: null,
              parent_id: null,
              address: null,
              province_code: '46',
              commune_code: null,
              commune_name: null,
            })
            .execute();
        }
      }
    }
    const have = Number((await sql<{ n: string }>`select count(*) as n from epcis_event`.execute(db)).rows[0]?.n ?? 0);
    const existing = Math.floor(have / 5);
    if (existing < chains) {
      console.log(
        `compliance: capturing ${fmt(chains - existing, 0)} chains (${fmt((chains - existing) * 5, 0)} events)…`,
      );
      const t0 = performance.now();
      for (let from = existing; from < chains; from += 100) {
        const batch = Array.from({ length: Math.min(100, chains - from) }, (_, i) => chain(from + i));
        await db.transaction().execute(async (trx) => {
          for (let org = 0; org < ORGS; org++) {
            const events = batch.filter((b) => b.org === org).flatMap((b) => b.events) as unknown as EpcisEvent[];
            if (events.length === 0) continue;
            await storeEvents(trx, events, NAMESPACES, {
              organisationId: orgs[org]!,
              viaOrganisationId: null,
              captureJobId: null,
              channel: 'api',
              errorBehaviour: 'rollback',
            });
          }
        });
      }
      console.log(`compliance: captured in ${fmt((performance.now() - t0) / 1000)} s`);
    }

    const random = mulberry32(17);
    const sample = Array.from({ length: sampleSize }, () => {
      const c = Math.floor(random() * chains);
      const org = c % ORGS;
      return random() < 0.5 ? lotUri(gtinOf(2 * org + 1), `GAO-${c}`) : lotUri(gtinOf(2 * org), `LUA-${c}`);
    });
    const ownerOf = (lot: string) => {
      const k = Number(/\/(?:LUA|GAO)-(\d+)$/.exec(lot)![1]) % ORGS;
      return orgs[k]!;
    };

    // Warm-up, then the baseline (histories alone) and the refresh, interleaved in rounds of 50 lots.
    await refreshLotCompliance(db, sample.slice(0, 20), (work) => db.transaction().execute(work));
    let baselineMs = 0;
    let refreshMs = 0;
    let evaluated = 0;
    for (let i = 0; i < sample.length; i += 50) {
      const round = sample.slice(i, i + 50);
      let t = performance.now();
      for (const lot of round) await lotHistory(db, lot, ownerOf(lot));
      baselineMs += performance.now() - t;
      t = performance.now();
      const outcome = await refreshLotCompliance(db, round, (work) => db.transaction().execute(work));
      refreshMs += performance.now() - t;
      evaluated += outcome.evaluated;
    }
    const lotsScored = Number(
      (await sql<{ n: string }>`select count(*) as n from lot_compliance`.execute(db)).rows[0]?.n ?? 0,
    );
    const baselinePerSecond = (sample.length * 1000) / baselineMs;
    const perSecond = (evaluated * 1000) / refreshMs;
    console.log(
      `compliance: ${fmt(chains, 0)} chains (${fmt(chains * 5, 0)} events, ${fmt(chains * 2, 0)} lots), ${fmt(sample.length, 0)} sampled lots, schema ${database.schema}`,
    );
    console.log(`  baseline, reading each lot's history alone : ${fmt(baselinePerSecond)} lots/s`);
    console.log(
      `  refresh (history + evaluation + upsert)     : ${fmt(perSecond)} lots/s (${fmt(evaluated, 0)} evaluated)`,
    );
    console.log(`  ratio refresh / baseline                    : ${fmt(perSecond / baselinePerSecond, 2)}`);
    console.log(`  lots with a stored score                    : ${fmt(lotsScored, 0)}`);
  } finally {
    await database.close();
  }
}
