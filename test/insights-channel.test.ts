import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshInsights } from '../src/insights/index.ts';
import { apiKeyFor, makeOrganisation, signInAs, type SignedIn, type TestApp, startTestApp } from './helpers/app.ts';
import { drainJobs } from './helpers/epcis.ts';

/**
 * The insights count events by the channel they came through: the back-office's guided form (web), the phone's
 * outbox synced later (offline), an organisation's own system (api) or a solution provider (provider). The
 * back-office names its channel in X-Truyxuat-Channel, which only a signed-in person's request may do.
 */

const GTIN = '08930077000011';
let t: TestApp;
let org: string;
let person: SignedIn;
let key: Record<string, string>;

beforeAll(async () => {
  t = await startTestApp();
  org = await makeOrganisation(t.db, { name: 'HTX kênh ghi nhận', gs1_company_prefix: '8930077' });
  await t.db
    .insertInto('product')
    .values({ id: randomUUID(), organisation_id: org, gtin: GTIN, name: 'Hạt sen', group_code: 'agri' })
    .execute();
  person = await signInAs(t, org, 'org_admin');
  key = (await apiKeyFor(t, org, ['epcis:capture', 'epcis:query'])).headers;
});
afterAll(async () => t?.close());

let counter = 0;
function event(): { id: string; body: string } {
  counter += 1;
  const id = `urn:uuid:${randomUUID()}`;
  return {
    id,
    body: JSON.stringify({
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'ObjectEvent',
      eventID: id,
      eventTime: new Date(Date.now() - counter * 60_000).toISOString(),
      eventTimeZoneOffset: '+07:00',
      action: 'ADD',
      bizStep: 'commissioning',
      disposition: 'active',
      quantityList: [{ epcClass: `https://id.gs1.org/01/${GTIN}/10/K${counter}`, quantity: 10, uom: 'KGM' }],
    }),
  };
}

async function post(headers: Record<string, string>): Promise<{ status: number; id: string; body: string }> {
  const e = event();
  const r = await t.app.inject({
    method: 'POST',
    url: '/epcis/events',
    headers: { 'content-type': 'application/ld+json', ...headers },
    payload: e.body,
  });
  return { status: r.statusCode, id: e.id, body: r.body };
}

async function channelOf(eventId: string): Promise<string> {
  const row = await t.db
    .selectFrom('epcis_event')
    .select('channel')
    .where('event_id', '=', eventId)
    .executeTakeFirstOrThrow();
  return row.channel;
}

describe('capture channel', () => {
  it('records the guided form as web and the synced outbox as offline for a signed-in person', async () => {
    const web = await post({ ...person.headers, 'x-truyxuat-channel': 'web' });
    expect(web.status, web.body).toBe(201);
    expect(await channelOf(web.id)).toBe('web');
    const offline = await post({ ...person.headers, 'x-truyxuat-channel': 'offline' });
    expect(offline.status, offline.body).toBe(201);
    expect(await channelOf(offline.id)).toBe('offline');
    // The back-office without the header (an older page) is still a person at the web form.
    const plain = await post(person.headers);
    expect(plain.status, plain.body).toBe(201);
    expect(await channelOf(plain.id)).toBe('web');
  });

  it('keeps an API key caller on api whatever it claims, and refuses an unknown channel', async () => {
    const claimed = await post({ ...key, 'x-truyxuat-channel': 'offline' });
    expect(claimed.status, claimed.body).toBe(201);
    expect(await channelOf(claimed.id)).toBe('api');
    const bad = await post({ ...person.headers, 'x-truyxuat-channel': 'connector', 'accept-language': 'vi' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('X-Truyxuat-Channel');
  });

  it('records the channel on an asynchronous capture job too', async () => {
    const e = event();
    const doc = JSON.stringify({
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: new Date().toISOString(),
      epcisBody: { eventList: [JSON.parse(e.body) as unknown] },
    });
    const r = await t.app.inject({
      method: 'POST',
      url: '/epcis/capture',
      headers: { 'content-type': 'application/ld+json', ...person.headers, 'x-truyxuat-channel': 'offline' },
      payload: doc,
    });
    expect(r.statusCode, r.body).toBe(202);
    await drainJobs(t);
    expect(await channelOf(e.id)).toBe('offline');
  });

  it('counts the sources apart on the dashboard counters', { timeout: 120_000 }, async () => {
    const bySource = new Map<string, number>();
    // The refresh reads only rows older than every running transaction: on a shared PostgreSQL server another
    // client's transaction may hold it back for a moment.
    for (let i = 0; i < 250; i++) {
      await refreshInsights(t.db);
      const rows = await t.db
        .selectFrom('insight_event_day')
        .select(['source', 'events'])
        .where('organisation_id', '=', org)
        .execute();
      bySource.clear();
      for (const r of rows) bySource.set(r.source, (bySource.get(r.source) ?? 0) + Number(r.events));
      if ([...bySource.values()].reduce((a, b) => a + b, 0) >= 5) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(Object.fromEntries(bySource)).toEqual({ web: 2, offline: 2, api: 1 });
  });
});
