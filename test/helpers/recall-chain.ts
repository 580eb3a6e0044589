import type { LightMyRequestResponse as InjectResponse } from 'fastify';
import { expect } from 'vitest';
import { withCheckDigit } from '../../src/identifiers/check-digit.ts';
import { apiKeyFor, makeOrganisation, signInAs, startTestApp, type TestApp } from './app.ts';
import { capture } from './epcis.ts';

/**
 * A three-organisation chain for recall tests: a farm commissions seeds (SEED) and ships them to a factory, which
 * dries them into DRIED and ships that to a shop; the factory also holds an unrelated lot (OTHER). `series` keeps
 * the GS1 numbers of different test files apart.
 */
export interface RecallChain {
  readonly t: TestApp;
  readonly farm: Record<string, string>;
  readonly factory: Record<string, string>;
  readonly shop: Record<string, string>;
  readonly outsider: Record<string, string>;
  readonly province: Record<string, string>;
  readonly farmId: string;
  readonly factoryId: string;
  readonly shopId: string;
  readonly FARM_GLN: string;
  readonly FACTORY_GLN: string;
  readonly SHOP_GLN: string;
  readonly SEED: string;
  readonly DRIED: string;
  readonly OTHER: string;
  post(headers: Record<string, string>, url: string, payload: object): Promise<InjectResponse>;
}

export async function startRecallChain(series: string): Promise<RecallChain> {
  const FARM_GLN = withCheckDigit(`8935001${series}000`);
  const FACTORY_GLN = withCheckDigit(`8935002${series}000`);
  const SHOP_GLN = withCheckDigit(`8935003${series}000`);
  const SEED = `https://id.gs1.org/01/${withCheckDigit(`08935001${series}001`)}/10/R1`;
  const DRIED = `https://id.gs1.org/01/${withCheckDigit(`08935001${series}002`)}/10/R1`;
  const OTHER = `https://id.gs1.org/01/${withCheckDigit(`08935001${series}002`)}/10/R2`;

  const doc = (events: object[]) =>
    JSON.stringify({
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2026-05-01T00:00:00Z',
      epcisBody: { eventList: events },
    });
  const base = (h: number) => ({
    eventTime: new Date(Date.UTC(2026, 4, 1, h)).toISOString(),
    eventTimeZoneOffset: '+07:00',
  });
  const ship = (h: number, epcClass: string, quantity: number, from: string, to: string) => ({
    type: 'ObjectEvent',
    ...base(h),
    action: 'OBSERVE',
    bizStep: 'shipping',
    quantityList: [{ epcClass, quantity, uom: 'KGM' }],
    sourceList: [{ type: 'owning_party', source: `https://id.gs1.org/417/${from}` }],
    destinationList: [{ type: 'owning_party', destination: `https://id.gs1.org/417/${to}` }],
  });

  const t = await startTestApp();
  const store = async (headers: Record<string, string>, events: object[]) => {
    expect((await capture(t, headers, doc(events))).job).toMatchObject({ success: true });
  };
  const farmId = await makeOrganisation(t.db, { name: 'HTX Sen Tịnh Tâm' });
  const factoryId = await makeOrganisation(t.db, { name: 'Công ty Chế biến Sen Huế' });
  const shopId = await makeOrganisation(t.db, { name: 'Cửa hàng Đặc sản Huế' });
  const outsiderId = await makeOrganisation(t.db);
  for (const [id, gln] of [
    [farmId, FARM_GLN],
    [factoryId, FACTORY_GLN],
    [shopId, SHOP_GLN],
  ] as const)
    await t.db.updateTable('organisation').set({ primary_gln: gln }).where('id', '=', id).execute();
  const perms = ['epcis:capture', 'epcis:query', 'recall:manage'] as const;
  const farm = (await apiKeyFor(t, farmId, [...perms])).headers;
  const factory = (await apiKeyFor(t, factoryId, [...perms])).headers;
  const shop = (await apiKeyFor(t, shopId, [...perms])).headers;
  const outsider = (await apiKeyFor(t, outsiderId, [...perms])).headers;
  const province = (await signInAs(t, await makeOrganisation(t.db, { kind: 'authority' }), 'province_admin')).headers;
  await store(farm, [
    {
      type: 'ObjectEvent',
      ...base(1),
      action: 'ADD',
      bizStep: 'commissioning',
      quantityList: [{ epcClass: SEED, quantity: 100, uom: 'KGM' }],
    },
    ship(2, SEED, 100, FARM_GLN, FACTORY_GLN),
  ]);
  await store(factory, [
    {
      type: 'TransformationEvent',
      ...base(3),
      inputQuantityList: [{ epcClass: SEED, quantity: 100, uom: 'KGM' }],
      outputQuantityList: [{ epcClass: DRIED, quantity: 70, uom: 'KGM' }],
      bizLocation: { id: `https://id.gs1.org/414/${FACTORY_GLN}` },
    },
    ship(4, DRIED, 70, FACTORY_GLN, SHOP_GLN),
    {
      type: 'ObjectEvent',
      ...base(5),
      action: 'ADD',
      bizStep: 'commissioning',
      quantityList: [{ epcClass: OTHER, quantity: 5, uom: 'KGM' }],
    },
  ]);
  return {
    t,
    farm,
    factory,
    shop,
    outsider,
    province,
    farmId,
    factoryId,
    shopId,
    FARM_GLN,
    FACTORY_GLN,
    SHOP_GLN,
    SEED,
    DRIED,
    OTHER,
    post: (headers, url, payload) => t.app.inject({ method: 'POST', url, headers, payload }),
  };
}
