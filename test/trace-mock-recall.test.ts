import { execFileSync, spawnSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../src/demo/index.ts';
import { SYSTEM } from '../src/shared/caller.ts';
import { recallReportPdf } from '../src/trace/recall-report.ts';
import { listRecalls, recallTimings, RECALL_STEPS, type RecallView } from '../src/trace/recall.service.ts';
import { openTestDatabase } from './helpers/database.ts';
import type { TestApp } from './helpers/app.ts';
import { startRecallChain, type RecallChain } from './helpers/recall-chain.ts';

let chain: RecallChain;
let t: TestApp;
let farm: Record<string, string>;
let factory: Record<string, string>;
let shop: Record<string, string>;
let outsider: Record<string, string>;
let province: Record<string, string>;
let SEED: string;
let DRIED: string;

beforeAll(async () => {
  chain = await startRecallChain('20');
  ({ t, farm, factory, shop, outsider, province, SEED, DRIED } = chain);
});
afterAll(async () => t?.close());

const post = (headers: Record<string, string>, url: string, payload: object) => chain.post(headers, url, payload);

const hasPdftotext = spawnSync('pdftotext', ['-v']).error === undefined;
if (!hasPdftotext && process.env.CI) throw new Error('pdftotext (poppler-utils) is required in CI');

describe('recall stopwatch', () => {
  it('times each step of a mock recall: opened → impact → spreadsheet → acknowledged → closed', async () => {
    const opened = await post(province, '/api/recalls', {
      lots: [SEED],
      reason: 'Diễn tập thu hồi hạt sen',
      severity: 'medium',
      mock: true,
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const recall = opened.json<RecallView>();
    expect(recall.mock).toBe(true);
    expect(recall.timings.steps.map((s) => s.step)).toEqual([...RECALL_STEPS]);
    expect(recall.timings.steps.map((s) => s.at !== null)).toEqual([true, true, false, false, false]);
    expect(recall.timings.complete).toBe(false);
    expect(recall.timings.steps[0]!.at).toBe(recall.openedAt);
    // A drill tells nobody: no in-app notification, no e-mail, no webhook delivery, no job.
    const count = async (table: 'notification' | 'notification_email' | 'notification_webhook_delivery') =>
      Number(
        (
          await t.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect([
      await count('notification'),
      await count('notification_email'),
      await count('notification_webhook_delivery'),
    ]).toEqual([0, 0, 0]);
    expect(await t.db.selectFrom('job').select('kind').where('kind', 'like', 'notification.%').execute()).toEqual([]);
    for (const headers of [farm, factory, shop, province])
      expect((await t.app.inject({ url: '/api/notifications', headers })).json<{ total: number }>().total).toBe(0);

    const xlsx = await t.app.inject({ url: `/api/recalls/${recall.id}/export.xlsx`, headers: province });
    expect(xlsx.statusCode, xlsx.body).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['commissioning', 'transformation', 'shipping', 'recall actions']);
    // A second download does not move the step.
    const first = (await t.app.inject({ url: `/api/recalls/${recall.id}`, headers: province })).json<RecallView>();
    const producedAt = first.timings.steps[2]!.at;
    expect(producedAt).not.toBeNull();
    await t.app.inject({ url: `/api/recalls/${recall.id}/export.xlsx`, headers: province });

    for (const headers of [farm, factory]) {
      const ack = await post(headers, `/api/recalls/${recall.id}/acknowledgements`, {});
      expect(ack.statusCode, ack.body).toBe(200);
      // Not all have acknowledged yet.
      expect(ack.json<RecallView>().timings.steps[3]!.at).toBeNull();
    }
    await post(shop, `/api/recalls/${recall.id}/acknowledgements`, { note: 'Đã kiểm tra kho' });
    const closed = await post(province, `/api/recalls/${recall.id}/close`, {});
    expect(closed.statusCode, closed.body).toBe(200);
    const done = closed.json<RecallView>();
    expect(done.timings.complete).toBe(true);
    expect(done.timings.steps[2]!.at).toBe(producedAt);
    expect(done.timings.steps.at(-1)!.at).toBe(done.closedAt);
    const times = done.timings.steps.map((s) => Date.parse(s.at!));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // Each duration is the time since the step before; the total is opened → closed, and their sum.
    done.timings.steps.forEach((s, i) => expect(s.durationMs).toBe(i === 0 ? 0 : times[i]! - times[i - 1]!));
    expect(done.timings.totalMs).toBe(times[4]! - times[0]!);
    expect(done.timings.totalMs).toBe(done.timings.steps.reduce((sum, s) => sum + s.durationMs!, 0));

    const vi = await t.app.inject({ url: `/api/recalls/${recall.id}/report.pdf`, headers: province });
    expect(vi.statusCode, vi.body).toBe(200);
    expect(vi.headers['content-type']).toBe('application/pdf');
    expect(vi.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(vi.rawPayload.subarray(-6).toString('latin1')).toContain('%%EOF');
    const en = await t.app.inject({ url: `/api/recalls/${recall.id}/report.pdf?lang=en`, headers: province });
    expect(en.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    if (hasPdftotext) {
      const text = (pdf: Buffer) =>
        execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8');
      const viText = text(vi.rawPayload).normalize('NFC');
      expect(viText).toContain('Báo cáo diễn tập thu hồi sản phẩm');
      expect(viText).toContain('Diễn tập thu hồi hạt sen');
      expect(viText).toContain('Cửa hàng Đặc sản Huế');
      expect(viText).toContain('Đã kiểm tra kho');
      expect(viText).toContain('Mọi tổ chức đã xác nhận');
      expect(viText).toContain(SEED);
      const enText = text(en.rawPayload);
      expect(enText).toContain('Mock recall report');
      expect(enText).toContain('Every organisation acknowledged');
      expect(enText).toContain('Total time');
    }
    const outsiderPdf = await t.app.inject({ url: `/api/recalls/${recall.id}/report.pdf`, headers: outsider });
    expect(outsiderPdf.statusCode).toBe(404);
  });

  it('a real recall records the same steps; an affected organisation sees the timings too', async () => {
    const r = await post(factory, '/api/recalls', { lots: [DRIED], reason: 'Nấm mốc', severity: 'high' });
    expect(r.statusCode, r.body).toBe(201);
    const recall = r.json<RecallView>();
    expect(recall.mock).toBe(false);
    await post(factory, `/api/recalls/${recall.id}/acknowledgements`, {});
    const asShop = await post(shop, `/api/recalls/${recall.id}/acknowledgements`, {});
    expect(asShop.json<RecallView>().timings.steps.map((s) => s.at !== null)).toEqual([true, true, false, true, false]);
    const outsiderXlsx = await t.app.inject({ url: `/api/recalls/${recall.id}/export.xlsx`, headers: outsider });
    expect(outsiderXlsx.statusCode).toBe(404);
    // A real recall is announced to the affected shop and to the province, not to the factory that opened it.
    const kinds = async (headers: Record<string, string>) =>
      (await t.app.inject({ url: '/api/notifications', headers }))
        .json<{ items: { kind: string; payload: { recallId?: string } }[] }>()
        .items.filter((n) => n.payload.recallId === recall.id)
        .map((n) => n.kind);
    expect(await kinds(shop)).toEqual(['recall.opened']);
    expect(await kinds(province)).toEqual(['recall.opened']);
    expect(await kinds(factory)).toEqual([]);
    expect(await kinds(farm)).toEqual([]);
  });

  it('computes durations over the steps reached, skipping the ones not reached', () => {
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    const timings = recallTimings(
      new Map([
        ['opened', at(0)],
        ['impact_computed', at(2)],
        ['acknowledged', at(10)],
      ]),
    );
    expect(timings.steps.map((s) => s.durationMs)).toEqual([0, 2000, null, 8000, null]);
    expect(timings).toMatchObject({ totalMs: 10_000, complete: false });
  });
});

describe('demo mock recall', () => {
  it('the demo holds one finished mock recall of the Sen Huế lot, every step timed', async () => {
    const database = await openTestDatabase();
    try {
      const loaded = await loadDemoData(database.db);
      if (!loaded.loaded) throw new Error('demo not loaded');
      const recalls = await listRecalls(database.db, SYSTEM);
      expect(recalls).toHaveLength(1);
      const recall = recalls[0]!;
      const gtin = loaded.registry.products.get('hat-sen')!.gtin;
      expect(recall).toMatchObject({
        mock: true,
        status: 'closed',
        lots: [`https://id.gs1.org/01/${gtin}/10/HS-2606`],
        organisationId: loaded.registry.organisations.get('authority'),
      });
      expect(recall.impact.organisations.map((o) => o.id).sort()).toEqual(
        [loaded.registry.organisations.get('sen')!, loaded.registry.organisations.get('dong-ba')!].sort(),
      );
      expect(recall.acknowledgements.every((a) => a.acknowledgedAt !== null)).toBe(true);
      expect(recall.timings.complete).toBe(true);
      // The demo's drill notified nobody.
      expect(
        await database.db.selectFrom('notification').select('id').where('kind', 'like', 'recall.%').execute(),
      ).toEqual([]);
      const pdf = await recallReportPdf(recall, 'vi');
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    } finally {
      await database.close();
    }
  });
});
