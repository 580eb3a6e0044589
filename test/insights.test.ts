import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectedMeasure,
  dayBefore,
  hueToday,
  interoperableMeasure,
  progressOf,
  tracingMeasure,
  trainedMeasure,
} from '../src/insights/insights.measures.ts';
import { periodRange } from '../src/insights/insights.report.ts';
import { refreshInsights } from '../src/insights/index.ts';
import { suggestNextSteps } from '../src/insights/insights.survey.ts';
import { makeOrganisation, signInAs, startTestApp, type SignedIn, type TestApp } from './helpers/app.ts';

describe('plan measures (pure)', () => {
  const orgs = [
    { id: 'a', name: 'A', gs1CompanyPrefix: '8930001' },
    { id: 'b', name: 'B', gs1CompanyPrefix: '8930002' },
    { id: 'c', name: 'C', gs1CompanyPrefix: null },
    { id: 'd', name: 'D', gs1CompanyPrefix: null },
  ];
  it('counts an organisation trained twice once', () => {
    const m = trainedMeasure(orgs, new Set(['a', 'c', 'x-not-registered']));
    expect(m).toMatchObject({ value: 50, numerator: 2, denominator: 4, organisationIds: ['a', 'c'] });
  });
  it('counts events of the last 90 days only, today included', () => {
    const activity = [
      { organisationId: 'a', lastDay: '2026-11-26', lastSystemDay: null },
      { organisationId: 'b', lastDay: dayBefore('2026-11-26', 89), lastSystemDay: null },
      { organisationId: 'c', lastDay: dayBefore('2026-11-26', 90), lastSystemDay: null },
    ];
    expect(tracingMeasure(orgs, activity, '2026-11-26').organisationIds).toEqual(['a', 'b']);
  });
  it('keeps a GS1 prefix without events in the denominator of the interoperable share', () => {
    const activity = [
      { organisationId: 'a', lastDay: '2026-11-26', lastSystemDay: '2026-11-20' },
      { organisationId: 'c', lastDay: '2026-11-26', lastSystemDay: '2026-11-20' },
    ];
    expect(interoperableMeasure(orgs, activity)).toMatchObject({ value: 50, numerator: 1, denominator: 2 });
    expect(interoperableMeasure([], activity).value).toBe(0);
  });
  it('counts the kinds of connection and the national portal only within 90 days', () => {
    const sources = new Map([
      ['a', new Set(['api', 'web'])],
      ['b', new Set(['provider'])],
    ]);
    expect(connectedMeasure(sources, '2026-11-01', '2026-11-26')).toMatchObject({
      value: 3,
      kinds: ['api', 'provider', 'national_portal'],
      organisationIds: ['a', 'b'],
    });
    expect(connectedMeasure(new Map(), '2026-01-01', '2026-11-26').value).toBe(0);
  });
  it('says whether a target is reached, open or overdue', () => {
    expect(progressOf(20, 20, '2025-12-31', '2026-01-05').status).toBe('reached');
    expect(progressOf(5, 20, '2025-12-31', '2026-01-05')).toEqual({ ratio: 0.25, status: 'overdue' });
    expect(progressOf(5, 20, '2026-12-31', '2026-01-05').status).toBe('open');
  });
  it('names report periods in Vietnamese', () => {
    expect(periodRange('quarter', '2026-11-26', 'vi')).toEqual({
      from: '2026-10-01',
      to: '2026-12-31',
      label: 'Quý IV/2026',
    });
    expect(periodRange('month', '2026-02-10', 'vi')).toEqual({
      from: '2026-02-01',
      to: '2026-02-28',
      label: 'Tháng 2/2026',
    });
    expect(periodRange('year', '2026-02-10', 'en').label).toBe('2026');
  });
  it('suggests the next step from a survey answer', () => {
    const base = {
      productGroup: 'food',
      products: 3,
      barcodeUse: 'none' as const,
      records: 'paper' as const,
      vendorSystem: null,
      needs: [],
    };
    expect(suggestNextSteps(base, { trained: false, standardForGroup: null }).map((s) => s.step)).toEqual([
      'training',
      'gs1_membership',
    ]);
    expect(
      suggestNextSteps(
        { ...base, barcodeUse: 'gtin_qr', records: 'software', vendorSystem: 'VNPT Check' },
        { trained: true, standardForGroup: 'test-rau' },
      ),
    ).toEqual([{ step: 'adopt_standard', standard: 'test-rau' }, { step: 'connect_vendor' }]);
    expect(
      suggestNextSteps({ ...base, barcodeUse: 'gtin', records: 'software' }, { trained: true, standardForGroup: null }),
    ).toEqual([{ step: 'ready' }]);
  });
});

/** The members of the dashboard's answer the tests read (the answer is loosely typed JSON). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Dashboard = Record<string, any>;

describe('insights over a constructed data set', () => {
  let t: TestApp;
  let province: SignedIn;
  let business: SignedIn;
  const ids: Record<string, string> = {};
  const now = new Date();
  const today = hueToday(now);
  let eventCounter = 0;
  let baseStandards = 0;
  let baseAgri = 0;

  async function product(org: string, gtin: string, group: string) {
    await t.db
      .insertInto('product')
      .values({ id: randomUUID(), organisation_id: org, gtin, name: `Sản phẩm ${gtin}`, group_code: group })
      .execute();
  }
  async function event(org: string, gtin: string, daysAgo: number, channel: string, via: string | null = null) {
    eventCounter += 1;
    const at = new Date(now.getTime() - daysAgo * 86_400_000);
    const r = await t.db
      .insertInto('epcis_event')
      .values({
        event_id: `urn:uuid:${randomUUID()}`,
        event_hash: `hash-${eventCounter}`,
        event_type: 'ObjectEvent',
        event_time: at,
        event_time_zone_offset: '+07:00',
        record_time: now,
        owner_organisation_id: org,
        via_organisation_id: via,
        visible_to: [org],
        channel,
        document: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('epcis_event_epc')
      .values({
        event_row: r.id,
        role: 'epc',
        epc: `https://id.gs1.org/01/${gtin}/10/L1`,
        is_class: true,
        gtin,
        lot: 'L1',
        serial: null,
        quantity: null,
        uom: null,
      })
      .execute();
  }
  async function training(org: string, heldOn: string) {
    const id = randomUUID();
    await t.db
      .insertInto('training_session')
      .values({ id, title: `Tập huấn ${heldOn}`, held_on: heldOn })
      .execute();
    await t.db
      .insertInto('training_attendance')
      .values({ session_id: id, organisation_id: org, attendees: 2 })
      .execute();
  }

  /**
   * The refresh reads only rows of transactions older than every running one (so none lands behind its cursor); on a
   * shared PostgreSQL server another client's transaction can hold that horizon back for a moment: wait it out.
   */
  async function settled() {
    for (let i = 0; i < 3000; i++) {
      const r = await sql<{ ok: boolean }>`select coalesce(
          (select max(commit_tx) from epcis_event) < pg_snapshot_xmin(pg_current_snapshot()), true)
        and coalesce((select max(commit_tx) from scan) < pg_snapshot_xmin(pg_current_snapshot()), true) as ok`.execute(
        t.db,
      );
      if (r.rows[0]?.ok) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('another transaction held the horizon back for five minutes');
  }

  beforeAll(async () => {
    t = await startTestApp();
    ids.authority = await makeOrganisation(t.db, { name: 'Sở KH&CN Huế', kind: 'authority' });
    ids.provider = await makeOrganisation(t.db, { name: 'Nhà cung cấp giải pháp', kind: 'provider' });
    ids.a = await makeOrganisation(t.db, { name: 'A — tập huấn hai lần', gs1_company_prefix: '8930001' });
    ids.b = await makeOrganisation(t.db, { name: 'B — có mã GS1, chưa có sự kiện', gs1_company_prefix: '8930002' });
    ids.c = await makeOrganisation(t.db, { name: 'C — sự kiện cũ hơn 90 ngày', gs1_company_prefix: '8930003' });
    ids.d = await makeOrganisation(t.db, { name: 'D — biểu mẫu web' });
    ids.gone = await makeOrganisation(t.db, { name: 'Đã ngừng', status: 'suspended' });
    province = await signInAs(t, ids.authority, 'province_admin');
    business = await signInAs(t, ids.a, 'org_admin');
    await product(ids.a, '08930001000011', 'food');
    await product(ids.c, '08930003000019', 'agri');
    await product(ids.d, '08930004000016', 'food');
    await training(ids.a, '2026-03-01');
    await training(ids.a, '2026-06-01');
    await training(ids.d, '2026-06-01');
    await event(ids.a, '08930001000011', 2, 'api');
    await event(ids.a, '08930001000011', 3, 'api');
    // C's events came through a provider, 120 days ago: C is interoperable but no longer tracing.
    await event(ids.c, '08930003000019', 120, 'api', ids.provider);
    await event(ids.d, '08930004000016', 1, 'web');
    for (let i = 0; i < 3; i++) {
      await sql`insert into scan (scanned_at, gtin, lot, serial, region, device, ip_hash)
        values (${now}, '08930001000011', 'L1', null, ${i < 2 ? '46' : '79'}, 'phone', null)`.execute(t.db);
    }
    // The installation ships published templates; count them, then add one profile in two versions and another.
    const shipped = await t.db
      .selectFrom('standard')
      .select(['profile_id', 'product_groups'])
      .where('status', '=', 'published')
      .execute();
    baseStandards = shipped.length;
    baseAgri = shipped.filter((s) => s.product_groups.includes('agri')).length;
    await t.db
      .insertInto('standard')
      .values([
        {
          id: 's1v1',
          profile_id: 'test-rau',
          version: 1,
          status: 'superseded',
          title: 'Rau',
          title_en: 'Vegetables',
          product_groups: ['agri'],
          document: '{}',
        },
        {
          id: 's1v2',
          profile_id: 'test-rau',
          version: 2,
          status: 'published',
          title: 'Rau',
          title_en: 'Vegetables',
          product_groups: ['agri'],
          document: '{}',
        },
        {
          id: 's2v1',
          profile_id: 'tccs-mat-ong',
          version: 1,
          status: 'published',
          title: 'Mật ong',
          title_en: 'Honey',
          product_groups: ['food'],
          document: '{}',
        },
      ])
      .execute();
    await settled();
    await refreshInsights(t.db, now);
  }, 330_000);
  afterAll(async () => t?.close());

  const get = (url: string, who: SignedIn) => t.app.inject({ method: 'GET', url, headers: who.headers });

  it('computes each plan measure from the records', async () => {
    const r = await get('/api/insights/plan', province);
    expect(r.statusCode).toBe(200);
    const byMeasure = Object.fromEntries(r.json<Dashboard[]>().map((m) => [m.measure as string, m]));
    // Registered producers and traders: A, B, C, D (the authority, the provider and a suspended one are not).
    expect(byMeasure.trained).toMatchObject({ value: 50, numerator: 2, denominator: 4, target: 100, unit: 'percent' });
    expect(byMeasure.tracing).toMatchObject({ value: 2, numerator: 2, target: 50 });
    expect(byMeasure.standards).toMatchObject({ value: baseStandards + 2 });
    // With a prefix: A (API), B (no events), C (through a provider) → 2 of 3.
    expect(byMeasure.interoperable).toMatchObject({ value: 66.7, numerator: 2, denominator: 3 });
    // Within 90 days only A's own system sent data (C's provider events are older): one kind of connection.
    expect(byMeasure.connected).toMatchObject({ value: 1, denominator: 4 });
    expect(byMeasure.trained!.trend).toEqual([{ day: today, value: 50 }]);
  });

  it('clicks a measure through to its organisations', async () => {
    const r = await get('/api/insights/measures/tracing/organisations', province);
    expect(r.statusCode).toBe(200);
    const names = r
      .json<{ organisations: { name: string }[] }>()
      .organisations.map((o) => o.name)
      .sort();
    expect(names).toEqual(['A — tập huấn hai lần', 'D — biểu mẫu web']);
    const interop = await get('/api/insights/measures/interoperable/organisations', province);
    expect(
      interop
        .json<{ organisations: { id: string }[] }>()
        .organisations.map((o) => o.id)
        .sort(),
    ).toEqual([ids.a, ids.c].sort());
  });

  it('answers the dashboard from the counters, and a second refresh counts nothing twice', async () => {
    const first = (await get('/api/insights/dashboard', province)).json<Dashboard>();
    expect(first.organisations).toMatchObject({ registered: 4, trained: 2, tracing: 2, withPrefix: 3 });
    const events = (first.events.byWeek as { source: string; groupCode: string; events: number }[]).reduce(
      (n, e) => n + e.events,
      0,
    );
    expect(events).toBe(3); // C's event is older than the 12 weeks shown
    expect(first.events.byWeek.map((e: { source: string }) => e.source).sort()).toEqual(['api', 'web']);
    expect(first.scans.byRegion).toEqual([
      { region: '46', scans: 2 },
      { region: '79', scans: 1 },
    ]);
    expect(first.standardsByGroup.find((g: { groupCode: string }) => g.groupCode === 'agri').standards).toBe(
      baseAgri + 1,
    );
    expect(first.national.configured).toBe(false);
    expect(first.refreshedAt).not.toBeNull();
    await refreshInsights(t.db);
    const second = (await get('/api/insights/dashboard', province)).json<Dashboard>();
    expect(second.events).toEqual(first.events);
    expect(second.scans).toEqual(first.scans);
  });

  it('counts new events after the cursor only', { timeout: 330_000 }, async () => {
    await event(ids.b!, '08930001000011', 0, 'import');
    await settled();
    const r = await t.app.inject({ method: 'POST', url: '/api/insights/refresh', headers: province.headers });
    expect(r.json()).toMatchObject({ events: 1, scans: 0 });
    const d = (await get('/api/insights/dashboard', province)).json<Dashboard>();
    expect(d.events.byWeek.find((e: { source: string }) => e.source === 'import').events).toBe(1);
  });

  it('keeps province views to the province and a business to its own dashboard', async () => {
    const r = await get('/api/insights/dashboard', business);
    expect(r.statusCode).toBe(403);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect((await get('/api/insights/measures/trained/organisations', business)).statusCode).toBe(403);
    const own = await get('/api/insights/business', business);
    expect(own.statusCode).toBe(200);
    // A's product counts as carrying its QR because consumers scanned it; D's was never scanned, linked or stamped.
    expect(own.json()).toMatchObject({ organisation: { id: ids.a }, products: { products: 1, withQr: 1 } });
    expect(own.json<{ scans: { byDay: { scans: number }[] } }>().scans.byDay).toEqual([{ day: today, scans: 3 }]);
    expect((await get(`/api/insights/business?organisationId=${ids.d}`, business)).statusCode).toBe(404);
    const ofD = await get(`/api/insights/business?organisationId=${ids.d}`, province);
    expect(ofD.statusCode).toBe(200);
    expect(ofD.json()).toMatchObject({ products: { products: 1, withQr: 0, withStamps: 0 } });
  });

  it('lets the province change its plan', async () => {
    const plan = (await get('/api/insights/plan', province)).json<{ id: string; measure: string }[]>();
    const tracing = plan.find((p) => p.measure === 'tracing')!;
    const r = await t.app.inject({
      method: 'PUT',
      url: `/api/insights/plan/${tracing.id}`,
      headers: province.headers,
      payload: {
        measure: 'tracing',
        title: 'Truy xuất',
        titleEn: 'Tracing',
        target: 2,
        unit: 'count',
        deadline: '2030-12-31',
      },
    });
    expect(r.statusCode).toBe(200);
    const after = (await get('/api/insights/plan', province)).json<{ id: string; status: string }[]>();
    expect(after.find((p) => p.id === tracing.id)!.status).toBe('reached');
    // The change is in the audit trail, by the person who made it.
    const audited = await t.db
      .selectFrom('audit_entry')
      .select(['action', 'actor_user_id'])
      .where('object_id', '=', tracing.id)
      .execute();
    expect(audited).toEqual([{ action: 'insights.plan_target.update', actor_user_id: province.userId }]);
    const bad = await t.app.inject({
      method: 'PUT',
      url: `/api/insights/plan/${tracing.id}`,
      headers: province.headers,
      payload: { measure: 'tracing', title: 'x', titleEn: 'x', target: 120, unit: 'percent', deadline: '2030-12-31' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('produces the periodic report as PDF and XLSX', async () => {
    const pdf = await get('/api/insights/report?period=quarter&format=pdf', province);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const xlsx = await get('/api/insights/report?period=month&format=xlsx', province);
    expect(xlsx.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toContain('Mục tiêu');
    const targets = workbook.getWorksheet('Mục tiêu')!;
    expect(targets.getRow(3).getCell(1).value).toBe('Mục tiêu');
    expect(targets.getRow(4).getCell(1).text).toContain('tập huấn');
    expect((await get('/api/insights/report?period=month&format=pdf', business)).statusCode).toBe(403);
  });

  it('sends a readiness survey, collects answers and suggests next steps', async () => {
    const sent = await t.app.inject({
      method: 'POST',
      url: '/api/insights/surveys',
      headers: province.headers,
      payload: { title: 'Khảo sát mức độ sẵn sàng 2026' },
    });
    expect(sent.statusCode).toBe(201);
    const { id, sentTo } = sent.json<{ id: string; sentTo: number }>();
    expect(sentTo).toBe(4);
    const answer = await t.app.inject({
      method: 'PUT',
      url: `/api/insights/surveys/${id}/response`,
      headers: business.headers,
      payload: {
        productGroup: 'agri',
        products: 4,
        barcodeUse: 'gtin_qr',
        records: 'software',
        vendorSystem: 'Phần mềm ABC',
        needs: ['stamps'],
      },
    });
    expect(answer.statusCode).toBe(200);
    const mine = (await get('/api/insights/surveys', business)).json<{ id: string; ownAnswers: unknown }[]>();
    expect(mine.find((s) => s.id === id)!.ownAnswers).toMatchObject({ productGroup: 'agri' });
    const summary = (await get(`/api/insights/surveys/${id}/summary`, province)).json<Dashboard>();
    const steps = summary.responses[0].nextSteps as { step: string; standard?: string }[];
    expect(steps.map((s) => s.step)).toEqual(['adopt_standard', 'connect_vendor', 'stamps']);
    const agriProfiles = await t.db
      .selectFrom('standard')
      .select('profile_id')
      .where('status', '=', 'published')
      .where(sql<boolean>`'agri' = any(product_groups)`)
      .execute();
    expect(agriProfiles.map((p) => p.profile_id)).toContain(steps[0]!.standard);
    expect(summary.byProductGroup).toEqual([
      { key: 'agri', responses: 1, steps: { adopt_standard: 1, connect_vendor: 1, stamps: 1 } },
    ]);
    expect((await get(`/api/insights/surveys/${id}/summary`, business)).statusCode).toBe(403);
  });
});
