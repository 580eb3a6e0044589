import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../src/identifiers/check-digit.ts';
import { SYSTEM } from '../src/shared/caller.ts';
import { createLocation } from '../src/registry/location.service.ts';
import { createOrganisation } from '../src/registry/organisation.service.ts';
import { createProduct } from '../src/registry/product.service.ts';
import { withTaxCheckDigit } from '../src/registry/tax-code.ts';
import { apiKeyFor, makeOrganisation, signInAs, startTestApp, type SignedIn, type TestApp } from './helpers/app.ts';
import { PNG_1X1, multipart } from './helpers/multipart.ts';

let t: TestApp;
let seq = 0;
/** A fresh valid GS1 key: 893 + 9 running digits (+ check digit), unique within this file. */
const key = (prefix = '8937') =>
  withCheckDigit(`${prefix}${String(Date.now() % 1e4).padStart(4, '0')}${String(++seq).padStart(4, '0')}`);
const badCheck = (valid: string) => `${valid.slice(0, -1)}${(Number(valid.at(-1)) + 1) % 10}`;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

async function province(role: 'province_admin' | 'province_inspector' = 'province_admin'): Promise<SignedIn> {
  const org = await makeOrganisation(t.db, { kind: 'authority', name: 'Sở KH&CN' });
  return signInAs(t, org, role);
}

describe('organisations', () => {
  it('validates the tax code, GLN and GS1 prefix, naming each field', async () => {
    const admin = await province();
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/organisations',
      headers: { ...admin.headers, 'accept-language': 'vi' },
      payload: {
        name: 'HTX Thủy Thanh',
        kind: 'cooperative',
        taxCode: '0100109107',
        primaryGln: badCheck(key()),
        gs1CompanyPrefix: '89x',
      },
    });
    expect(r.statusCode).toBe(400);
    const body = r.json();
    expect(body.code).toBe('validation');
    const fields = body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['gs1CompanyPrefix', 'primaryGln', 'taxCode']);
    expect(body.errors.find((e: { field: string }) => e.field === 'taxCode').message).toBe(
      'Số kiểm tra của mã số thuế không đúng',
    );

    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/organisations',
      headers: admin.headers,
      payload: { name: 'X', kind: 'company', taxCode: '12345', provinceCode: '99' },
    });
    expect(
      malformed
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['provinceCode', 'taxCode']);
  });

  it('lets the province register and approve; a business sees its own record and others’ public profiles only', async () => {
    const admin = await province();
    const tax = withTaxCheckDigit('330123456')!;
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/organisations',
      headers: admin.headers,
      payload: {
        name: 'Cơ sở Mè xửng Thiên Hương',
        kind: 'company',
        taxCode: tax,
        primaryGln: key(),
        provinceCode: '46',
        communeName: 'Phường Phú Xuân',
        contactPhone: '+84 905 123 456',
        status: 'pending',
      },
    });
    expect(created.statusCode).toBe(201);
    const org = created.json();
    expect(org).toMatchObject({ visibility: 'full', taxCode: tax, status: 'pending', contactPhone: '0905123456' });

    const other = await signInAs(t, await makeOrganisation(t.db), 'org_admin');
    // Pending: others cannot know it exists.
    expect((await t.app.inject({ url: `/api/organisations/${org.id}`, headers: other.headers })).statusCode).toBe(404);
    const approve = await t.app.inject({
      method: 'PATCH',
      url: `/api/organisations/${org.id}`,
      headers: admin.headers,
      payload: { status: 'active' },
    });
    expect(approve.json().status).toBe('active');
    const profile = (await t.app.inject({ url: `/api/organisations/${org.id}`, headers: other.headers })).json();
    expect(profile).toEqual({
      visibility: 'public',
      id: org.id,
      name: 'Cơ sở Mè xửng Thiên Hương',
      nameEn: null,
      kind: 'company',
      provinceCode: '46',
      communeName: 'Phường Phú Xuân',
      primaryGln: org.primaryGln,
    });
    // The business edits its own record but not its status.
    const owner = await signInAs(t, org.id, 'org_admin');
    const edit = await t.app.inject({
      method: 'PATCH',
      url: `/api/organisations/${org.id}`,
      headers: owner.headers,
      payload: { contactName: 'Bà Tôn Nữ Thị Hương' },
    });
    expect(edit.statusCode).toBe(200);
    expect(edit.json().contactName).toBe('Bà Tôn Nữ Thị Hương');
    const selfApprove = await t.app.inject({
      method: 'PATCH',
      url: `/api/organisations/${org.id}`,
      headers: owner.headers,
      payload: { status: 'suspended' },
    });
    expect(selfApprove.statusCode).toBe(400);
    expect(selfApprove.json().errors[0].field).toBe('status');
    const becomeProvider = await t.app.inject({
      method: 'PATCH',
      url: `/api/organisations/${org.id}`,
      headers: owner.headers,
      payload: { kind: 'provider' },
    });
    expect(becomeProvider.json().errors[0]).toMatchObject({ field: 'kind', messageKey: 'registry.kind.provinceOnly' });
    // Nobody but the province registers organisations.
    const byBusiness = await t.app.inject({
      method: 'POST',
      url: '/api/organisations',
      headers: owner.headers,
      payload: { name: 'Y', kind: 'company' },
    });
    expect(byBusiness.statusCode).toBe(403);
    // A duplicate tax code is a conflict on that field.
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/organisations',
      headers: admin.headers,
      payload: { name: 'Z', kind: 'company', taxCode: tax },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().errors[0].field).toBe('taxCode');
  });

  it('lists with paging, sorting and diacritic-insensitive search', async () => {
    const admin = await province();
    for (const name of ['HTX Sen Tịnh Tâm', 'HTX Nước mắm Phú Thuận', 'Cơ sở Dầu tràm Lộc Thủy']) {
      await createOrganisation(t.db, SYSTEM, { name, kind: 'cooperative', provinceCode: '46' });
    }
    const found = await t.app.inject({ url: '/api/organisations?q=nuoc%20mam%20phu%20thuan', headers: admin.headers });
    expect(found.json().items.map((o: { name: string }) => o.name)).toEqual(['HTX Nước mắm Phú Thuận']);
    const paged = await t.app.inject({ url: '/api/organisations?limit=2&offset=1&sort=-name', headers: admin.headers });
    const body = paged.json();
    expect(body.items).toHaveLength(2);
    expect(body.total).toBeGreaterThanOrEqual(4);
    expect(body).toMatchObject({ limit: 2, offset: 1 });
    const all = (await t.app.inject({ url: `/api/organisations?limit=500&sort=-name`, headers: admin.headers })).json();
    expect(body.items.map((o: { id: string }) => o.id)).toEqual(all.items.slice(1, 3).map((o: { id: string }) => o.id));
    const badSort = await t.app.inject({ url: '/api/organisations?sort=password', headers: admin.headers });
    expect(badSort.statusCode).toBe(400);
    expect(badSort.json().errors[0].field).toContain('sort');
  });
});

describe('locations', () => {
  it('validates GLN, GPS, export codes and the parent, and refuses cycles', async () => {
    const org = await makeOrganisation(t.db);
    const me = await signInAs(t, org, 'org_operator');
    const post = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/api/locations', headers: me.headers, payload });
    const bad = await post({
      gln: badCheck(key()),
      name: 'Vùng trồng',
      kind: 'growing_area',
      latitude: 16.4,
      growingAreaCode: 'TTH-0017',
      packingHouseCode: 'VN-TTHOR-0001',
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['gln', 'growingAreaCode', 'longitude', 'packingHouseCode']);
    const outOfRange = await post({ gln: key(), name: 'X', kind: 'farm', latitude: 95, longitude: 107 });
    expect(outOfRange.statusCode).toBe(400);
    expect(outOfRange.json().errors[0].field).toBe('body/latitude');

    const area = await post({
      gln: key(),
      name: 'Vùng trồng thanh trà Thủy Biều',
      kind: 'growing_area',
      latitude: 16.4352,
      longitude: 107.5511,
      growingAreaCode: 'vn-tthor-0017',
      provinceCode: '46',
    });
    expect(area.statusCode).toBe(201);
    expect(area.json().growingAreaCode).toBe('VN-TTHOR-0017');
    const plot = await post({ gln: key(), name: 'Lô 1', kind: 'farm', parentId: area.json().id });
    expect(plot.statusCode).toBe(201);
    const cycle = await t.app.inject({
      method: 'PATCH',
      url: `/api/locations/${area.json().id}`,
      headers: me.headers,
      payload: { parentId: plot.json().id },
    });
    expect(cycle.statusCode).toBe(400);
    expect(cycle.json().errors[0]).toMatchObject({ field: 'parentId', messageKey: 'registry.parent.cycle' });
    const taken = await post({ gln: area.json().gln, name: 'Trùng', kind: 'farm' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().errors[0].field).toBe('gln');

    // null clears a position: it must not be coerced to 0 (a point in the Gulf of Guinea) on the way in.
    const cleared = await t.app.inject({
      method: 'PATCH',
      url: `/api/locations/${area.json().id}`,
      headers: me.headers,
      payload: { latitude: null, longitude: null, address: null },
    });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json()).toMatchObject({ latitude: null, longitude: null, address: null });
    const placed = await t.app.inject({
      method: 'PATCH',
      url: `/api/locations/${area.json().id}`,
      headers: me.headers,
      payload: { latitude: 16.4352, longitude: 107.5511 },
    });
    expect(placed.json()).toMatchObject({ latitude: 16.4352, longitude: 107.5511 });

    const found = await t.app.inject({ url: '/api/locations?q=thuy%20bieu', headers: me.headers });
    expect(found.json().items.map((l: { id: string }) => l.id)).toEqual([area.json().id]);
    const archived = await t.app.inject({
      method: 'DELETE',
      url: `/api/locations/${plot.json().id}`,
      headers: me.headers,
    });
    expect(archived.statusCode).toBe(204);
    const active = await t.app.inject({ url: '/api/locations?status=active', headers: me.headers });
    expect(active.json().total).toBe(1);
  });
});

describe('products', () => {
  it('normalises the GTIN, rejects bad check digits, unknown groups and units, naming the field', async () => {
    const org = await makeOrganisation(t.db);
    const me = await signInAs(t, org, 'org_operator');
    const gtin13 = key();
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/products',
      headers: { ...me.headers, 'accept-language': 'en' },
      payload: {
        gtin: badCheck(gtin13),
        name: 'Mè xửng',
        groupCode: 'food.nonexistent',
        netContent: 200,
        netContentUnit: 'XYZ',
        certifications: [{ kind: 'ocop', ocopStars: 6 }],
      },
    });
    expect(bad.statusCode).toBe(400);
    const errors = bad.json().errors;
    expect(Object.fromEntries(errors.map((e: { field: string; message: string }) => [e.field, e.message]))).toEqual({
      gtin: 'The GTIN check digit is wrong',
      groupCode: 'Unknown product group',
      netContentUnit: 'Not a supported UN/ECE Rec 20 unit code',
      'certifications/0/ocopStars': 'An OCOP rating has 3 to 5 stars',
    });

    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/products',
      headers: me.headers,
      payload: {
        gtin: gtin13,
        name: 'Mè xửng Thiên Hương',
        nameEn: 'Thien Huong sesame candy',
        groupCode: 'food.confectionery',
        netContent: 200,
        netContentUnit: 'grm',
        shelfLifeDays: 180,
        certifications: [
          { kind: 'ocop', ocopStars: 4, number: 'OCOP-46-2024-012', validFrom: '2024-05-01', validTo: '2027-05-01' },
        ],
      },
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({
      gtin: `0${gtin13}`,
      netContent: 200,
      netContentUnit: 'GRM',
      certifications: [{ kind: 'ocop', ocopStars: 4, validFrom: '2024-05-01', validTo: '2027-05-01' }],
    });
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/products',
      headers: me.headers,
      payload: { gtin: `0${gtin13}`, name: 'Khác', groupCode: 'food' },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().errors[0].field).toBe('gtin');

    const search = await t.app.inject({ url: '/api/products?q=me%20xung', headers: me.headers });
    expect(search.json().items.map((p: { name: string }) => p.name)).toEqual(['Mè xửng Thiên Hương']);
    const byGroup = await t.app.inject({ url: '/api/products?groupCode=food', headers: me.headers });
    expect(byGroup.json().total).toBe(1);
  });

  it('stores sniffed images, serves them with their type and nosniff, and refuses other files', async () => {
    const org = await makeOrganisation(t.db);
    const me = await signInAs(t, org, 'org_operator');
    const product = await createProduct(t.db, SYSTEM, {
      organisationId: org,
      gtin: key(),
      name: 'Trà rau má',
      groupCode: 'food.tea',
    });
    const upload = multipart({ data: PNG_1X1, filename: 'tra.jpg', contentType: 'image/jpeg' }, { alt: 'Gói trà' });
    const r = await t.app.inject({
      method: 'POST',
      url: `/api/products/${product.id}/images`,
      headers: { ...me.headers, ...upload.headers },
      payload: upload.payload,
    });
    expect(r.statusCode).toBe(201);
    const image = r.json().images[0];
    expect(image).toMatchObject({ contentType: 'image/png', alt: 'Gói trà', position: 1 });
    // Attached product images are public: the consumer page shows them.
    const served = await t.app.inject({ url: image.url });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.rawPayload.equals(PNG_1X1)).toBe(true);

    const svg = multipart({
      data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      filename: 'x.png',
      contentType: 'image/png',
    });
    const refused = await t.app.inject({
      method: 'POST',
      url: `/api/products/${product.id}/images`,
      headers: { ...me.headers, ...svg.headers },
      payload: svg.payload,
    });
    expect(refused.statusCode).toBe(415);
    expect(refused.json().errors[0].field).toBe('image');

    const huge = multipart({
      data: Buffer.concat([PNG_1X1, Buffer.alloc(t.config.maxUploadBytes)]),
      filename: 'big.png',
      contentType: 'image/png',
    });
    const tooBig = await t.app.inject({
      method: 'POST',
      url: `/api/products/${product.id}/images`,
      headers: { ...me.headers, ...huge.headers },
      payload: huge.payload,
    });
    expect(tooBig.statusCode).toBe(413);

    const publicView = await t.app.inject({ url: `/api/public/products/${product.gtin}` });
    expect(publicView.statusCode).toBe(200);
    expect(publicView.json()).toMatchObject({
      name: 'Trà rau má',
      images: [{ url: image.url }],
      producer: { visibility: 'public', id: org },
    });
    expect(publicView.json().producer.taxCode).toBeUndefined();
  });
});

describe('product groups and training', () => {
  it('has the plan’s groups; the province manages groups and trainings; businesses see only their attendance', async () => {
    const groups = (await t.app.inject('/api/product-groups')).json();
    const codes = groups.map((g: { code: string }) => g.code);
    expect(codes).toEqual(
      expect.arrayContaining(['agri', 'food', 'med', 'specialty', 'agri.lotus', 'food.fish-sauce', 'med.herbs']),
    );
    const admin = await province();
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/product-groups',
      headers: admin.headers,
      payload: { code: 'agri.mushroom', parentCode: 'agri', name: 'Nấm', nameEn: 'Mushrooms' },
    });
    expect(created.statusCode).toBe(201);
    const cycle = await t.app.inject({
      method: 'PATCH',
      url: '/api/product-groups/agri',
      headers: admin.headers,
      payload: { parentCode: 'agri.mushroom' },
    });
    expect(cycle.statusCode).toBe(400);
    expect(cycle.json().errors[0]).toMatchObject({ field: 'parentCode', messageKey: 'registry.parent.cycle' });
    const a = await makeOrganisation(t.db);
    const b = await makeOrganisation(t.db);
    const userA = await signInAs(t, a, 'org_admin');
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/product-groups',
          headers: userA.headers,
          payload: { code: 'x', name: 'x', nameEn: 'x' },
        })
      ).statusCode,
    ).toBe(403);

    const session = await t.app.inject({
      method: 'POST',
      url: '/api/trainings',
      headers: admin.headers,
      payload: {
        title: 'Tập huấn truy xuất nguồn gốc theo GS1',
        heldOn: '2026-03-12',
        place: 'Trung tâm Hội nghị tỉnh',
        organiser: 'Sở KH&CN',
      },
    });
    expect(session.statusCode).toBe(201);
    const id = session.json().id;
    for (const [org, n] of [
      [a, 3],
      [b, 2],
    ] as const) {
      const r = await t.app.inject({
        method: 'PUT',
        url: `/api/trainings/${id}/attendance/${org}`,
        headers: admin.headers,
        payload: { attendees: n },
      });
      expect(r.statusCode).toBe(200);
    }
    const seenByA = (await t.app.inject({ url: `/api/trainings/${id}`, headers: userA.headers })).json();
    expect(seenByA).toMatchObject({ organisationCount: 2, attendeeCount: 5 });
    expect(seenByA.attendance.map((x: { organisationId: string }) => x.organisationId)).toEqual([a]);
    const seenByProvince = (await t.app.inject({ url: `/api/trainings/${id}`, headers: admin.headers })).json();
    expect(seenByProvince.attendance).toHaveLength(2);
    const filteredByOther = (
      await t.app.inject({ url: `/api/trainings?organisationId=${b}`, headers: userA.headers })
    ).json();
    expect(filteredByOther.total).toBe(0);
    const search = (await t.app.inject({ url: '/api/trainings?q=tap%20huan', headers: userA.headers })).json();
    expect(search.items.map((s: { id: string }) => s.id)).toContain(id);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/trainings',
          headers: userA.headers,
          payload: { title: 'x', heldOn: '2026-01-01' },
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe('tenant isolation on every registry endpoint', () => {
  it('another organisation’s operator gets 404 for A’s objects; the inspector reads all and changes nothing', async () => {
    const a = (
      await createOrganisation(t.db, SYSTEM, { name: 'A', kind: 'company', taxCode: withTaxCheckDigit('330000001') })
    ).id;
    const b = await makeOrganisation(t.db);
    const location = await createLocation(t.db, SYSTEM, {
      organisationId: a,
      gln: key(),
      name: 'Xưởng A',
      kind: 'factory',
    });
    const product = await createProduct(t.db, SYSTEM, {
      organisationId: a,
      gtin: key(),
      name: 'Nước mắm A',
      groupCode: 'food.fish-sauce',
      certifications: [{ kind: 'haccp', number: 'H-1' }],
    });
    const certId = product.certifications[0]!.id;
    const ownerA = await signInAs(t, a, 'org_admin');
    const doc = multipart({
      data: Buffer.from('%PDF-1.4\n%…\n'),
      filename: 'cert.pdf',
      contentType: 'application/pdf',
    });
    const withDoc = await t.app.inject({
      method: 'POST',
      url: `/api/products/${product.id}/certifications/${certId}/document`,
      headers: { ...ownerA.headers, ...doc.headers },
      payload: doc.payload,
    });
    expect(withDoc.statusCode).toBe(200);
    const docUrl: string = withDoc.json().documentUrl;
    const img = multipart({ data: PNG_1X1, filename: 'a.png', contentType: 'image/png' });
    const imageId = (
      await t.app.inject({
        method: 'POST',
        url: `/api/products/${product.id}/images`,
        headers: { ...ownerA.headers, ...img.headers },
        payload: img.payload,
      })
    ).json().images[0].mediaId;
    const userOfA = ownerA.userId;

    const upload = () => multipart({ data: PNG_1X1, filename: 'b.png', contentType: 'image/png' });
    const csv = () =>
      multipart({
        data: Buffer.from(`gtin,name,groupCode\n${key()},X,food\n`),
        filename: 'p.csv',
        contentType: 'text/csv',
      });
    const requests: {
      method: string;
      url: string;
      payload?: unknown;
      multipart?: () => ReturnType<typeof multipart>;
    }[] = [
      { method: 'PATCH', url: `/api/organisations/${a}`, payload: { name: 'Taken over' } },
      { method: 'GET', url: `/api/locations/${location.id}` },
      { method: 'PATCH', url: `/api/locations/${location.id}`, payload: { name: 'Taken over' } },
      { method: 'DELETE', url: `/api/locations/${location.id}` },
      { method: 'POST', url: '/api/locations', payload: { organisationId: a, gln: key(), name: 'X', kind: 'farm' } },
      { method: 'GET', url: `/api/products/${product.id}` },
      { method: 'PATCH', url: `/api/products/${product.id}`, payload: { name: 'Taken over' } },
      { method: 'DELETE', url: `/api/products/${product.id}` },
      {
        method: 'POST',
        url: '/api/products',
        payload: { organisationId: a, gtin: key(), name: 'X', groupCode: 'food' },
      },
      { method: 'POST', url: `/api/products/${product.id}/images`, multipart: upload },
      { method: 'DELETE', url: `/api/products/${product.id}/images/${imageId}` },
      { method: 'POST', url: `/api/products/${product.id}/certifications`, payload: { kind: 'vietgap' } },
      { method: 'PATCH', url: `/api/products/${product.id}/certifications/${certId}`, payload: { number: 'X' } },
      { method: 'DELETE', url: `/api/products/${product.id}/certifications/${certId}` },
      { method: 'POST', url: `/api/products/${product.id}/certifications/${certId}/document`, multipart: upload },
      { method: 'GET', url: docUrl },
      { method: 'GET', url: `/api/users/${userOfA}` },
      { method: 'POST', url: `/api/import/products?organisationId=${a}`, multipart: csv },
      { method: 'POST', url: `/api/import/locations?organisationId=${a}`, multipart: csv },
    ];
    const send = (r: (typeof requests)[number], headers: Record<string, string>) => {
      const body = r.multipart?.();
      return t.app.inject({
        method: r.method as 'GET',
        url: r.url,
        headers: { ...headers, ...(body?.headers ?? {}) },
        ...(body ? { payload: body.payload } : r.payload !== undefined ? { payload: r.payload as object } : {}),
      });
    };

    const operatorB = await signInAs(t, b, 'org_operator');
    const keyB = await apiKeyFor(t, b, ['registry:read', 'registry:write']);
    for (const headers of [operatorB.headers, keyB.headers]) {
      for (const r of requests) {
        const res = await send(r, headers);
        expect(res.statusCode, `${r.method} ${r.url}: ${res.body}`).toBe(404);
      }
      // Lists simply do not contain A's objects.
      for (const url of [
        '/api/locations',
        '/api/products',
        `/api/locations?organisationId=${a}`,
        `/api/products?organisationId=${a}`,
      ]) {
        const list = (await t.app.inject({ url, headers })).json();
        expect(
          list.items.some((x: { organisationId: string }) => x.organisationId === a),
          url,
        ).toBe(false);
      }
      // A itself is active: others see its public profile, never its private fields.
      const orgs = (await t.app.inject({ url: '/api/organisations?limit=500', headers })).json();
      expect(orgs.items.find((o: { id: string }) => o.id === a)).toMatchObject({ visibility: 'public' });
      const profile = (await t.app.inject({ url: `/api/organisations/${a}`, headers })).json();
      expect(profile.visibility).toBe('public');
      expect(profile.taxCode).toBeUndefined();
    }
    // Nothing changed.
    expect((await t.app.inject({ url: `/api/products/${product.id}`, headers: ownerA.headers })).json()).toMatchObject({
      name: 'Nước mắm A',
      status: 'active',
      certifications: [{ number: 'H-1' }],
    });

    // A key of A without registry rights is refused (403: A may know its own objects exist).
    const captureOnly = await apiKeyFor(t, a, ['epcis:capture']);
    expect((await t.app.inject({ url: `/api/products/${product.id}`, headers: captureOnly.headers })).statusCode).toBe(
      403,
    );
    expect((await t.app.inject({ url: docUrl, headers: captureOnly.headers })).statusCode).toBe(404);
    const readOnly = await apiKeyFor(t, a, ['registry:read']);
    expect((await t.app.inject({ url: docUrl, headers: readOnly.headers })).headers['content-type']).toBe(
      'application/pdf',
    );
    expect((await t.app.inject({ url: `/api/products/${product.id}`, headers: readOnly.headers })).statusCode).toBe(
      200,
    );
    expect(
      (
        await t.app.inject({
          method: 'PATCH',
          url: `/api/products/${product.id}`,
          headers: readOnly.headers,
          payload: { name: 'x' },
        })
      ).statusCode,
    ).toBe(403);

    // The province inspector reads everything and changes nothing.
    const inspector = await province('province_inspector');
    for (const r of requests) {
      const res = await send(r, inspector.headers);
      if (r.method === 'GET') expect(res.statusCode, `${r.method} ${r.url}`).toBe(200);
      else expect(res.statusCode, `${r.method} ${r.url}: ${res.body}`).toBe(403);
    }
    const everything = (
      await t.app.inject({ url: `/api/products?organisationId=${a}`, headers: inspector.headers })
    ).json();
    expect(everything.items.map((p: { id: string }) => p.id)).toEqual([product.id]);
    expect((await t.app.inject({ url: `/api/organisations/${a}`, headers: inspector.headers })).json().visibility).toBe(
      'full',
    );
  });

  it('a solution provider reaches a business’s registry through its delegation, and only then', async () => {
    const business = await makeOrganisation(t.db);
    const provider = await makeOrganisation(t.db, { kind: 'provider' });
    const product = await createProduct(t.db, SYSTEM, {
      organisationId: business,
      gtin: key(),
      name: 'Dầu tràm',
      groupCode: 'med.essential-oil',
    });
    const providerUser = await signInAs(t, provider, 'org_operator');
    expect((await t.app.inject({ url: `/api/products/${product.id}`, headers: providerUser.headers })).statusCode).toBe(
      404,
    );
    const owner = await signInAs(t, business, 'org_admin');
    const grant = await t.app.inject({
      method: 'POST',
      url: '/api/delegations',
      headers: owner.headers,
      payload: { providerOrganisationId: provider, permissions: ['registry:read', 'registry:write'] },
    });
    expect(grant.statusCode).toBe(201);
    expect((await t.app.inject({ url: `/api/products/${product.id}`, headers: providerUser.headers })).statusCode).toBe(
      200,
    );
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/locations',
      headers: providerUser.headers,
      payload: { organisationId: business, gln: key(), name: 'Lò chưng cất', kind: 'factory' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().organisationId).toBe(business);
  });

  it('a delegation limited to some products reaches only those, and cannot create others', async () => {
    const business = await makeOrganisation(t.db);
    const provider = await makeOrganisation(t.db, { kind: 'provider' });
    const shared = await createProduct(t.db, SYSTEM, {
      organisationId: business,
      gtin: key(),
      name: 'Hạt sen',
      groupCode: 'agri.lotus',
    });
    const hidden = await createProduct(t.db, SYSTEM, {
      organisationId: business,
      gtin: key(),
      name: 'Trà tim sen',
      groupCode: 'food.tea',
    });
    const location = await createLocation(t.db, SYSTEM, {
      organisationId: business,
      gln: key(),
      name: 'Hồ sen',
      kind: 'pond',
    });
    const owner = await signInAs(t, business, 'org_admin');
    const grant = await t.app.inject({
      method: 'POST',
      url: '/api/delegations',
      headers: owner.headers,
      payload: {
        providerOrganisationId: provider,
        permissions: ['registry:read', 'registry:write'],
        productIds: [shared.id],
      },
    });
    expect(grant.statusCode).toBe(201);
    const providerUser = await signInAs(t, provider, 'org_operator');
    const get = (id: string) => t.app.inject({ url: `/api/products/${id}`, headers: providerUser.headers });
    expect((await get(shared.id)).statusCode).toBe(200);
    expect((await get(hidden.id)).statusCode).toBe(404);
    const patchHidden = await t.app.inject({
      method: 'PATCH',
      url: `/api/products/${hidden.id}`,
      headers: providerUser.headers,
      payload: { name: 'x' },
    });
    expect(patchHidden.statusCode).toBe(404);
    for (const url of ['/api/products', `/api/products?organisationId=${business}`]) {
      const list = (await t.app.inject({ url, headers: providerUser.headers })).json();
      expect(
        list.items.map((p: { id: string }) => p.id),
        url,
      ).toEqual([shared.id]);
      expect(list.total).toBe(1);
    }
    const create = await t.app.inject({
      method: 'POST',
      url: '/api/products',
      headers: providerUser.headers,
      payload: { organisationId: business, gtin: key(), name: 'Mới', groupCode: 'food' },
    });
    expect(create.statusCode).toBe(404);
    // No location list in the scope: all of the business's locations.
    expect(
      (await t.app.inject({ url: `/api/locations/${location.id}`, headers: providerUser.headers })).statusCode,
    ).toBe(200);
  });
});
