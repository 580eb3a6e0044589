import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_SIGN_INS, demoLoaded, loadDemoData } from '../src/demo/index.ts';
import { hasValidCheckDigit } from '../src/identifiers/check-digit.ts';
import { parseTaxCode } from '../src/registry/tax-code.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

const count = async (table: 'organisation' | 'app_user' | 'product' | 'location' | 'certification') =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('Huế demo data', () => {
  it('loads on a fresh database, and a second load is a no-op', async () => {
    expect(await demoLoaded(t.db)).toBe(false);
    const first = await loadDemoData(t.db);
    expect(first.loaded).toBe(true);
    const before = await Promise.all([count('organisation'), count('app_user'), count('product'), count('location')]);
    expect(before[0]).toBe(14);
    expect(before[1]).toBe(DEMO_SIGN_INS.length);
    expect(before[2]).toBeGreaterThanOrEqual(11);
    const second = await loadDemoData(t.db);
    expect(second.loaded).toBe(false);
    expect(await Promise.all([count('organisation'), count('app_user'), count('product'), count('location')])).toEqual(
      before,
    );
  });

  it('has valid, consistent GS1 numbers and tax codes, and GPS inside Huế', async () => {
    const orgs = await t.db.selectFrom('organisation').selectAll().execute();
    const prefixOf = new Map(orgs.map((o) => [o.id, o.gs1_company_prefix]));
    for (const o of orgs) {
      expect(parseTaxCode(o.tax_code ?? '').ok, o.name).toBe(true);
      if (o.primary_gln !== null) {
        expect(hasValidCheckDigit(o.primary_gln), o.name).toBe(true);
        expect(o.primary_gln.startsWith(o.gs1_company_prefix!)).toBe(true);
      }
      if (o.gs1_company_prefix !== null) expect(o.gs1_company_prefix).toMatch(/^893\d{4}$/);
    }
    const products = await t.db.selectFrom('product').selectAll().execute();
    for (const p of products) {
      expect(p.gtin).toMatch(/^\d{14}$/);
      expect(hasValidCheckDigit(p.gtin), p.name).toBe(true);
      expect(p.gtin.slice(1).startsWith(prefixOf.get(p.organisation_id)!), p.name).toBe(true);
    }
    const locations = await t.db.selectFrom('location').selectAll().execute();
    for (const l of locations) {
      expect(hasValidCheckDigit(l.gln), l.name).toBe(true);
      expect(l.gln.startsWith(prefixOf.get(l.organisation_id)!), l.name).toBe(true);
      expect(l.latitude!).toBeGreaterThan(15.9);
      expect(l.latitude!).toBeLessThan(16.8);
      expect(l.longitude!).toBeGreaterThan(107.0);
      expect(l.longitude!).toBeLessThan(108.3);
    }
    const glns = [...orgs.map((o) => o.primary_gln).filter((g) => g !== null), ...locations.map((l) => l.gln)];
    expect(new Set(glns).size).toBe(glns.length);
    expect(locations.some((l) => l.growing_area_code?.startsWith('VN-TTHOR-'))).toBe(true);
    expect(locations.some((l) => l.packing_house_code?.startsWith('VN-TTHPH-'))).toBe(true);
    const kinds = new Set((await t.db.selectFrom('certification').select('kind').execute()).map((c) => c.kind));
    expect([...kinds]).toEqual(expect.arrayContaining(['vietgap', 'organic', 'ocop', 'geographical_indication']));
  });

  it('signs in with the documented passwords; the province finds “me xung”, a business sees only its own', async () => {
    const signIn = async (login: string) => {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        payload: { login, password: DEMO_PASSWORD },
      });
      expect(r.statusCode, login).toBe(200);
      return { cookie: `tx_session=${r.cookies.find((c) => c.name === 'tx_session')!.value}` };
    };
    for (const s of DEMO_SIGN_INS) await signIn(s.login);
    const province = await signIn(DEMO_SIGN_INS.find((s) => s.role === 'province_inspector')!.login);
    const found = (await t.app.inject({ url: '/api/products?q=me%20xung', headers: province })).json();
    // Sorted here: the order of names depends on the database's collation.
    expect(found.items.map((p: { name: string }) => p.name).sort()).toEqual(['Mè xửng Huế hộp 250 g', 'Mè xửng gừng']);
    const anLo = await signIn('an-lo@truyxuat.demo');
    const own = (await t.app.inject({ url: '/api/products', headers: anLo })).json();
    expect(own.items.map((p: { name: string }) => p.name)).toEqual(['Gạo hữu cơ An Lỗ']);
    const training = (await t.app.inject({ url: '/api/trainings', headers: province })).json();
    expect(training.items[0]).toMatchObject({ organisationCount: 8, attendeeCount: 16 });
  });
});
