import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import { fillRecallLots } from '../src/db/migrations/0015_recall_actions.ts';
import { recallStatusOfLots } from '../src/trace/index.ts';
import type { RecallView } from '../src/trace/recall.service.ts';
import { apiKeyFor, type TestApp } from './helpers/app.ts';
import { startRecallChain, type RecallChain } from './helpers/recall-chain.ts';

let chain: RecallChain;
let t: TestApp;
let farm: Record<string, string>;
let factory: Record<string, string>;
let shop: Record<string, string>;
let outsider: Record<string, string>;
let province: Record<string, string>;
let farmId: string;
let factoryId: string;
let shopId: string;
let SEED: string;
let DRIED: string;
let OTHER: string;
let FACTORY_GLN: string;

beforeAll(async () => {
  chain = await startRecallChain('00');
  ({ t, farm, factory, shop, outsider, province, farmId, factoryId, shopId, SEED, DRIED, OTHER, FACTORY_GLN } = chain);
});
afterAll(async () => t?.close());

const post = (headers: Record<string, string>, url: string, payload: object) => chain.post(headers, url, payload);

describe('recall', () => {
  let recall: RecallView;

  it('opens a recall whose impact is the forward trace over the province', async () => {
    const r = await post(farm, '/api/recalls', {
      lots: [`(01)${SEED.split('/')[4]}(10)R1`],
      reason: 'Aflatoxin above limit',
      severity: 'high',
    });
    expect(r.statusCode, r.body).toBe(201);
    recall = r.json<RecallView>();
    expect(recall).toMatchObject({
      organisationId: farmId,
      status: 'open',
      mock: false,
      lots: [SEED],
      severity: 'high',
    });
    // The farm (opener) learns who is affected, and sees only its own lot.
    expect(recall.impact.organisations.map((o) => o.id).sort()).toEqual([farmId, factoryId, shopId].sort());
    expect(recall.impact.lots.map((l) => l.identifier)).toEqual([SEED]);
    // The province sees every lot downstream with its quantities.
    const full = (await t.app.inject({ url: `/api/recalls/${recall.id}`, headers: province })).json<RecallView>();
    expect(full.impact.lots.map((l) => [l.identifier, l.depth, l.quantities])).toEqual([
      [SEED, 0, [{ quantity: 100, uom: 'KGM' }]],
      [DRIED, 1, [{ quantity: 70, uom: 'KGM' }]],
    ]);
    expect(full.impact.locations).toContain(`https://id.gs1.org/414/${FACTORY_GLN}`);
    expect(full.acknowledgements.map((a) => a.organisationId).sort()).toEqual([farmId, factoryId, shopId].sort());
  });

  it('each affected organisation sees its part and acknowledges; outsiders see nothing', async () => {
    const asShop = (await t.app.inject({ url: `/api/recalls/${recall.id}`, headers: shop })).json<RecallView>();
    expect(asShop.impact.lots.map((l) => l.identifier)).toEqual([DRIED]);
    expect(asShop.acknowledgements).toEqual([{ organisationId: shopId, acknowledgedAt: null, note: null }]);
    const ack = await post(shop, `/api/recalls/${recall.id}/acknowledgements`, { note: 'Đã cách ly 70 kg' });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json<RecallView>().acknowledgements[0]).toMatchObject({
      organisationId: shopId,
      note: 'Đã cách ly 70 kg',
    });
    expect(ack.json<RecallView>().acknowledgements[0]!.acknowledgedAt).not.toBeNull();
    expect((await t.app.inject({ url: `/api/recalls/${recall.id}`, headers: outsider })).statusCode).toBe(404);
    expect((await post(outsider, `/api/recalls/${recall.id}/acknowledgements`, {})).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/recalls', headers: outsider })).json()).toEqual([]);
    expect((await t.app.inject({ url: '/api/recalls', headers: shop })).json<RecallView[]>().map((r) => r.id)).toEqual([
      recall.id,
    ]);
  });

  it('notifies every affected organisation except the opener, and the province', async () => {
    const inbox = async (headers: Record<string, string>) =>
      (await t.app.inject({ url: '/api/notifications?lang=en', headers })).json<{
        items: { kind: string; organisationId: string | null; title: string; link: string; payload: object }[];
      }>().items;
    for (const [headers, organisationId] of [
      [factory, factoryId],
      [shop, shopId],
      [province, null],
    ] as const) {
      const items = await inbox(headers);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        kind: 'recall.opened',
        organisationId,
        link: `/app/recalls/${recall.id}`,
        payload: { recallId: recall.id, severity: 'high', lots: [SEED], reason: 'Aflatoxin above limit' },
      });
      expect(items[0]!.title).toBe(
        `Product recall, high severity: R1 (GTIN ${SEED.split('/')[4]}) — Aflatoxin above limit`,
      );
    }
    expect(await inbox(farm)).toEqual([]);
    expect(await inbox(outsider)).toEqual([]);
  });

  it('answers which lots are under an open recall, directly or downstream, in one lookup', async () => {
    const gtinOf = (l: string) => l.split('/')[4]!;
    const status = await recallStatusOfLots(t.db, [
      { gtin: gtinOf(SEED), lot: 'R1' },
      { gtin: gtinOf(DRIED), lot: 'R1' },
      { gtin: gtinOf(OTHER), lot: 'R2' },
      { gtin: 'not-a-gtin', lot: 'R1' },
    ]);
    expect(status.map((s) => [s.gtin, s.lot, s.recallId, s.severity, s.mock])).toEqual([
      [gtinOf(SEED), 'R1', recall.id, 'high', false],
      [gtinOf(DRIED), 'R1', recall.id, 'high', false],
    ]);
    expect(status[0]!.reason).toBe('Aflatoxin above limit');
    expect(status[0]!.openedAt.toISOString()).toBe(recall.openedAt);
    expect(await recallStatusOfLots(t.db, [])).toEqual([]);
  });

  it('records actions with quantities, bounded by the impact; listed in the view, spreadsheet and report', async () => {
    const act = (headers: Record<string, string>, body: object) =>
      post(headers, `/api/recalls/${recall.id}/actions`, body);
    const quarantine = await act(shop, {
      lot: DRIED,
      action: 'quarantined',
      quantity: 50,
      uom: 'kgm',
      note: 'Kho lạnh số 2',
    });
    expect(quarantine.statusCode, quarantine.body).toBe(201);
    expect(quarantine.json<RecallView>().actions).toEqual([
      expect.objectContaining({ organisationId: shopId, lot: DRIED, action: 'quarantined', quantity: 50, uom: 'KGM' }),
    ]);
    // 50 + 21 kg is more than the 70 kg made of the lot; a unit that cannot be compared is refused too.
    const over = await act(shop, { lot: DRIED, action: 'quarantined', quantity: 21000, uom: 'GRM' });
    expect(over.statusCode).toBe(400);
    expect(over.json<{ errors: { field: string; messageKey: string }[] }>().errors[0]).toMatchObject({
      field: 'quantity',
      messageKey: 'trace.action.exceeds',
    });
    const litres = await act(shop, { lot: DRIED, action: 'destroyed', quantity: 1, uom: 'LTR' });
    expect(litres.statusCode).toBe(400);
    expect(litres.json<{ detail: string }>().detail).toContain('70 KGM');
    expect((await act(shop, { lot: DRIED, action: 'destroyed', quantity: 20, uom: 'KGM' })).statusCode).toBe(201);
    // Only a holder of the lot, only lots of the impact, only affected organisations.
    expect((await act(shop, { lot: SEED, action: 'returned', quantity: 1, uom: 'KGM' })).statusCode).toBe(403);
    expect((await act(shop, { lot: OTHER, action: 'returned', quantity: 1, uom: 'KGM' })).statusCode).toBe(400);
    expect((await act(outsider, { lot: DRIED, action: 'returned', quantity: 1, uom: 'KGM' })).statusCode).toBe(404);
    expect((await act(shop, { lot: DRIED, action: 'sold', quantity: 1, uom: 'KGM' })).statusCode).toBe(400);
    expect((await act(shop, { lot: DRIED, action: 'returned', quantity: 0, uom: 'KGM' })).statusCode).toBe(400);
    const returned = await act(factory, {
      lot: `(01)${SEED.split('/')[4]}(10)R1`,
      action: 'returned',
      quantity: 100,
      uom: 'KGM',
    });
    expect(returned.statusCode, returned.body).toBe(201);

    // The province and the opener see every action; an affected organisation its own.
    const view = async (headers: Record<string, string>) =>
      (await t.app.inject({ url: `/api/recalls/${recall.id}`, headers })).json<RecallView>();
    expect((await view(province)).actions.map((a) => [a.organisationName, a.action, a.quantity])).toEqual([
      ['Cửa hàng Đặc sản Huế', 'quarantined', 50],
      ['Cửa hàng Đặc sản Huế', 'destroyed', 20],
      ['Công ty Chế biến Sen Huế', 'returned', 100],
    ]);
    expect((await view(farm)).actions).toHaveLength(3);
    expect((await view(factory)).actions.map((a) => a.action)).toEqual(['returned']);

    const xlsx = await t.app.inject({ url: `/api/recalls/${recall.id}/export.xlsx`, headers: province });
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('recall actions')!;
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual([
      'Organisation',
      'Traceability Lot Code',
      'Lot identifier',
      'Product Description',
      'Action',
      'Quantity',
      'Unit of Measure',
      'Note',
      'Recorded (UTC)',
    ]);
    expect(rows.slice(1).map((r) => [r[0], r[1], r[4], r[5], r[6], r[7] ?? null])).toEqual([
      ['Cửa hàng Đặc sản Huế', 'R1', 'quarantined', 50, 'KGM', 'Kho lạnh số 2'],
      ['Cửa hàng Đặc sản Huế', 'R1', 'destroyed', 20, 'KGM', null],
      ['Công ty Chế biến Sen Huế', 'R1', 'returned', 100, 'KGM', null],
    ]);
    const shopXlsx = await t.app.inject({ url: `/api/recalls/${recall.id}/export.xlsx`, headers: shop });
    const shopWb = new ExcelJS.Workbook();
    await shopWb.xlsx.load(shopXlsx.rawPayload as unknown as ArrayBuffer);
    expect(shopWb.getWorksheet('recall actions')!.rowCount).toBe(3);

    if (spawnSync('pdftotext', ['-v']).error === undefined) {
      const text = async (lang: string) =>
        execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], {
          input: (await t.app.inject({ url: `/api/recalls/${recall.id}/report.pdf?lang=${lang}`, headers: province }))
            .rawPayload,
        })
          .toString('utf8')
          .normalize('NFC');
      const vi = await text('vi');
      expect(vi).toContain('Biện pháp xử lý');
      expect(vi).toContain('Cửa hàng Đặc sản Huế: Đã cách ly 50 KGM');
      expect(vi).toContain('Kho lạnh số 2');
      const en = await text('en');
      expect(en).toContain('Actions taken');
      expect(en).toContain('Công ty Chế biến Sen Huế: Returned 100 KGM');
    } else if (process.env.CI) throw new Error('pdftotext (poppler-utils) is required in CI');
  });

  it('only the opener or the province closes; a closed recall takes no acknowledgement', async () => {
    expect((await post(shop, `/api/recalls/${recall.id}/close`, {})).statusCode).toBe(403);
    const closed = await post(farm, `/api/recalls/${recall.id}/close`, {});
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json<RecallView>()).toMatchObject({ status: 'closed' });
    expect((await post(factory, `/api/recalls/${recall.id}/acknowledgements`, {})).statusCode).toBe(409);
    expect(
      (
        await post(shop, `/api/recalls/${recall.id}/actions`, {
          lot: DRIED,
          action: 'destroyed',
          quantity: 1,
          uom: 'KGM',
        })
      ).statusCode,
    ).toBe(409);
    // A closed recall no longer covers its lots.
    expect(await recallStatusOfLots(t.db, [{ gtin: SEED.split('/')[4]!, lot: 'R1' }])).toEqual([]);
  });

  it('refuses lots the opener cannot see, malformed identifiers and missing rights; runs mock recalls', async () => {
    expect((await post(farm, '/api/recalls', { lots: [OTHER], reason: 'x', severity: 'low' })).statusCode).toBe(404);
    expect(
      (await post(farm, '/api/recalls', { lots: ['(01)12345678901234'], reason: 'x', severity: 'low' })).statusCode,
    ).toBe(400);
    expect((await post(farm, '/api/recalls', { lots: [SEED], reason: 'x', severity: 'urgent' })).statusCode).toBe(400);
    const noRight = (await apiKeyFor(t, farmId, ['epcis:query'])).headers;
    expect((await post(noRight, '/api/recalls', { lots: [SEED], reason: 'x', severity: 'low' })).statusCode).toBe(403);
    const mock = await post(province, '/api/recalls', {
      lots: [DRIED],
      reason: 'Diễn tập thu hồi',
      severity: 'medium',
      mock: true,
    });
    expect(mock.statusCode, mock.body).toBe(201);
    expect(mock.json<RecallView>()).toMatchObject({ mock: true, organisationId: expect.any(String) });
    expect(
      mock
        .json<RecallView>()
        .impact.organisations.map((o) => o.id)
        .sort(),
    ).toEqual([factoryId, shopId].sort());
    // A drill is not a recall for the consumer page.
    expect(await recallStatusOfLots(t.db, [{ gtin: DRIED.split('/')[4]!, lot: 'R1' }])).toEqual([]);
  });

  it('the migration fills the covered lots of recalls opened before it, from their impact', async () => {
    const rows = () =>
      t.db
        .selectFrom('recall_lot')
        .select(['recall_id', 'identifier', 'gtin', 'lot', 'direct'])
        .orderBy('recall_id')
        .orderBy('identifier')
        .execute();
    const before = await rows();
    expect(before.filter((r) => r.recall_id === recall.id)).toEqual([
      { recall_id: recall.id, identifier: SEED, gtin: SEED.split('/')[4], lot: 'R1', direct: true },
      { recall_id: recall.id, identifier: DRIED, gtin: DRIED.split('/')[4], lot: 'R1', direct: false },
    ]);
    await t.db.deleteFrom('recall_lot').execute();
    await fillRecallLots(t.db as unknown as Kysely<unknown>);
    await fillRecallLots(t.db as unknown as Kysely<unknown>);
    expect(await rows()).toEqual(before);
  });
});
