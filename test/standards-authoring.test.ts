import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RICE } from '../src/standards/profiles/hue.ts';
import { makeOrganisation, signInAs, startTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
let province: Record<string, string>;
let business: Record<string, string>;

beforeAll(async () => {
  t = await startTestApp();
  province = (await signInAs(t, await makeOrganisation(t.db, { kind: 'authority' }), 'province_admin')).headers;
  business = (await signInAs(t, await makeOrganisation(t.db, { name: 'HTX Quảng Thành' }), 'org_admin')).headers;
});
afterAll(async () => t?.close());

interface Check {
  valid: boolean;
  problems: { field: string; message: string }[];
  nextVersion: number | null;
}
const check = async (document: unknown, draftId?: string, headers = province) =>
  t.app.inject({
    method: 'POST',
    url: '/api/standards/validate',
    headers,
    payload: { document, ...(draftId ? { draftId } : {}) },
  });

describe('checking a profile document without saving it', () => {
  it('accepts the next version of a built-in profile and says which version is next', async () => {
    const r = await check({ ...RICE, version: 2 });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json<Check>()).toEqual({ valid: true, problems: [], nextVersion: 2 });
  });

  it('names each schema and rule problem by its field, and saves nothing', async () => {
    const broken = {
      ...RICE,
      version: 2,
      ctes: [{ ...RICE.ctes[0]!, requirement: 'sometimes' }, ...RICE.ctes.slice(1)],
      yields: [],
      retentionDays: 0,
    };
    const r = await check(broken);
    const body = r.json<Check>();
    expect(body.valid).toBe(false);
    expect(body.problems.map((p) => p.field)).toEqual(
      expect.arrayContaining(['document.ctes.0.requirement', 'document.retentionDays']),
    );
    const duplicate = await check({ ...RICE, version: 2, ctes: [RICE.ctes[0]!, RICE.ctes[0]!] });
    expect(duplicate.json<Check>().problems).toContainEqual({
      field: 'document.ctes.1.id',
      message: `duplicate CTE id ${RICE.ctes[0]!.id}`,
    });
    const list = await t.app.inject({ url: `/api/standards?profileId=${RICE.id}`, headers: province });
    expect(list.json<{ total: number }>().total).toBe(1);
  });

  it('refuses a version that is not the next one, and a draft check that changes the id', async () => {
    expect((await check({ ...RICE, version: 1 })).json<Check>().problems).toEqual([
      { field: 'document.version', message: 'expected 2' },
    ]);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/standards',
      headers: province,
      payload: { document: { ...RICE, version: 2 } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const draftId = created.json<{ id: string }>().id;
    expect((await check({ ...RICE, version: 2 }, draftId)).json<Check>().valid).toBe(true);
    expect((await check({ ...RICE, version: 3 }, draftId)).json<Check>().problems[0]!.field).toBe('document.id');
  });

  it('is the province’s', async () => {
    expect((await check(RICE, undefined, business)).statusCode).toBe(403);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/standards/validate', payload: { document: RICE } })).statusCode,
    ).toBe(401);
  });
});
