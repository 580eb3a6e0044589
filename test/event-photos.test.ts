import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrganisation, signInAs, startTestApp, type SignedIn, type TestApp } from './helpers/app.ts';
import { multipart, PNG_1X1 } from './helpers/multipart.ts';

/** Photos attached to events: upload, an idempotent retry, other organisations, size and type limits. */

let t: TestApp;
let owner: SignedIn;
let other: SignedIn;
let province: SignedIn;

beforeAll(async () => {
  t = await startTestApp({ maxUploadBytes: 64 * 1024 });
  owner = await signInAs(t, await makeOrganisation(t.db), 'org_operator');
  other = await signInAs(t, await makeOrganisation(t.db), 'org_admin');
  province = await signInAs(t, await makeOrganisation(t.db, { kind: 'authority' }), 'province_inspector');
});
afterAll(async () => t?.close());

/** Captures one commissioning event of a lot as the organisation's user; answers its eventID. */
async function captureEvent(who: SignedIn, lot: string): Promise<string> {
  const eventId = `urn:uuid:${randomUUID()}`;
  const r = await t.app.inject({
    method: 'POST',
    url: '/epcis/events',
    headers: { ...who.headers, 'content-type': 'application/ld+json' },
    payload: JSON.stringify({
      '@context': 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      type: 'ObjectEvent',
      eventID: eventId,
      eventTime: '2026-05-01T08:00:00+07:00',
      eventTimeZoneOffset: '+07:00',
      epcList: [],
      quantityList: [{ epcClass: `https://id.gs1.org/01/08935001234562/10/${lot}`, quantity: 5, uom: 'KGM' }],
      action: 'ADD',
      bizStep: 'commissioning',
    }),
  });
  expect(r.statusCode, r.body).toBe(201);
  return eventId;
}

function upload(who: SignedIn, eventId: string, data: Buffer, fields: Record<string, string>, type = 'image/png') {
  const body = multipart({ data, filename: 'anh.png', contentType: type }, fields);
  return t.app.inject({
    method: 'POST',
    url: `/api/events/${encodeURIComponent(eventId)}/photos`,
    headers: { ...who.headers, ...body.headers },
    payload: body.payload,
  });
}

/** A small real JPEG header is enough for the sniffer; the bytes differ from the PNG. */
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(60, 1), Buffer.from([0xff, 0xd9])]);

describe('event photos', () => {
  it('attaches a photo, answers a retry with the same photo, and lists it once', async () => {
    const eventId = await captureEvent(owner, 'PH-1');
    const photoId = randomUUID();
    const first = await upload(owner, eventId, PNG_1X1, { photoId, capturedAt: '2026-05-01T08:01:00+07:00' });
    expect(first.statusCode, first.body).toBe(201);
    const photo = first.json<{ id: string; url: string; eventId: string; contentType: string }>();
    expect(photo).toMatchObject({ eventId, contentType: 'image/png', photoId });

    const retry = await upload(owner, eventId, PNG_1X1, { photoId });
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json<{ id: string }>().id).toBe(photo.id);

    const second = await upload(owner, eventId, JPEG, { photoId: randomUUID() }, 'image/jpeg');
    expect(second.statusCode, second.body).toBe(201);

    const list = await t.app.inject({
      url: `/api/events/${encodeURIComponent(eventId)}/photos`,
      headers: owner.headers,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ photoId: string }[]>().map((p) => p.photoId)).toEqual([photoId, second.json().photoId]);
    expect(
      await t.db.selectFrom('event_photo').select('id').where('client_photo_id', '=', photoId).execute(),
    ).toHaveLength(1);

    const served = await t.app.inject({ url: photo.url, headers: owner.headers });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['cache-control']).toBe('private, no-store');
    // Not public: nobody without a session sees it.
    expect((await t.app.inject({ url: photo.url })).statusCode).toBe(404);

    const lot = await t.app.inject({ url: '/api/lot-photos?gtin=08935001234562&lot=PH-1', headers: owner.headers });
    expect(lot.json<{ eventId: string }[]>()).toHaveLength(2);
    const asProvince = await t.app.inject({
      url: '/api/lot-photos?gtin=8935001234562&lot=PH-1',
      headers: province.headers,
    });
    expect(asProvince.json<unknown[]>()).toHaveLength(2);
  });

  it('refuses other bytes under a photo id already used', async () => {
    const eventId = await captureEvent(owner, 'PH-2');
    const photoId = randomUUID();
    expect((await upload(owner, eventId, PNG_1X1, { photoId })).statusCode).toBe(201);
    const clash = await upload(owner, eventId, JPEG, { photoId }, 'image/jpeg');
    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ errors: [{ field: 'photoId' }] });
  });

  it('hides another organisation’s event (404) and refuses callers without the capture right (403)', async () => {
    const eventId = await captureEvent(owner, 'PH-3');
    const foreign = await upload(other, eventId, PNG_1X1, { photoId: randomUUID() });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(
      (await t.app.inject({ url: `/api/events/${encodeURIComponent(eventId)}/photos`, headers: other.headers }))
        .statusCode,
    ).toBe(404);
    expect(
      (await t.app.inject({ url: '/api/lot-photos?gtin=08935001234562&lot=PH-3', headers: other.headers })).json(),
    ).toEqual([]);
    const inspector = await upload(province, eventId, PNG_1X1, { photoId: randomUUID() });
    expect(inspector.statusCode).toBe(403);
    const unknown = await upload(owner, `urn:uuid:${randomUUID()}`, PNG_1X1, { photoId: randomUUID() });
    expect(unknown.statusCode).toBe(404);
  });

  it('answers 413 above the upload limit and 415 for a file that is not an image, as problem documents', async () => {
    const eventId = await captureEvent(owner, 'PH-4');
    const big = await upload(owner, eventId, Buffer.concat([PNG_1X1, Buffer.alloc(64 * 1024)]), {
      photoId: randomUUID(),
    });
    expect(big.statusCode).toBe(413);
    expect(big.headers['content-type']).toMatch(/application\/problem\+json/);

    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const notImage = await upload(owner, eventId, svg, { photoId: randomUUID() }, 'image/png');
    expect(notImage.statusCode).toBe(415);
    expect(notImage.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(notImage.json()).toMatchObject({ status: 415, errors: [{ field: 'image' }] });

    const pdf = await upload(owner, eventId, Buffer.from('%PDF-1.7\n'), { photoId: randomUUID() }, 'image/png');
    expect(pdf.statusCode).toBe(415);

    const noId = await upload(owner, eventId, PNG_1X1, {});
    expect(noId.statusCode).toBe(400);
    expect(noId.json()).toMatchObject({ errors: [{ field: 'photoId' }] });

    const listed = await t.app.inject({
      url: `/api/events/${encodeURIComponent(eventId)}/photos`,
      headers: owner.headers,
    });
    expect(listed.json()).toEqual([]);
  });
});
