import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { isNonPublicAddress, postWebhook } from '../src/epcis/webhook-delivery.ts';
import { verifyWebhookSignature } from '../src/epcis/webhook-signature.ts';
import { apiKeyFor, makeOrganisation, startTestApp, type TestApp } from './helpers/app.ts';
import { capture, drainJobs } from './helpers/epcis.ts';

/**
 * EPCIS query subscriptions end to end: webhooks to a real HTTP receiver on 127.0.0.1 (delivered by the job
 * worker), schedules, SSRF refusal, and WebSocket streams on a listening server.
 */

let t: TestApp;
let farm: Record<string, string>;
let other: Record<string, string>;
let serial = 0;

const GTIN = '08935001000020';
const CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';

function events(n: number, bizStep = 'shipping'): object[] {
  return Array.from({ length: n }, () => {
    serial += 1;
    return {
      type: 'ObjectEvent',
      eventID: `urn:uuid:00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`,
      eventTime: '2026-06-01T08:00:00+07:00',
      eventTimeZoneOffset: '+07:00',
      action: 'OBSERVE',
      bizStep,
      epcList: [`https://id.gs1.org/01/${GTIN}/21/S${serial}`],
    };
  });
}

const doc = (list: object[]) =>
  JSON.stringify({
    '@context': CONTEXT,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-06-01T00:00:00Z',
    epcisBody: { eventList: list },
  });

const idsOf = (list: object[]) => list.map((e) => (e as { eventID: string }).eventID);

interface Received {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly json: {
    epcisBody: { queryResults: { queryName: string; subscriptionID: string; resultsBody: { eventList: object[] } } };
  };
}

/** A webhook receiver on 127.0.0.1 that can fail its first `failures` requests with 500. */
async function startReceiver(failures = 0) {
  const received: Received[] = [];
  let failed = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failed < failures) {
        failed += 1;
        res.writeHead(500).end('not now');
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body, json: JSON.parse(body) as Received['json'] });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    failedCount: () => failed,
    delivered: () => received.flatMap((r) => idsOf(r.json.epcisBody.queryResults.resultsBody.eventList)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;
const receivers: Receiver[] = [];

/** Runs the worker until `done` holds (deliveries may wait for a schedule or a settling transaction). */
async function workUntil(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    await drainJobs(t);
    if (done()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function namedQuery(headers: Record<string, string>, name: string, query: object = {}) {
  const r = await t.app.inject({
    method: 'POST',
    url: '/epcis/queries',
    headers: { ...headers, 'content-type': 'application/json' },
    payload: JSON.stringify({ name, query }),
  });
  expect(r.statusCode, r.body).toBe(201);
}

async function subscribe(headers: Record<string, string>, queryName: string, body: object) {
  return t.app.inject({
    method: 'POST',
    url: `/epcis/queries/${queryName}/subscriptions`,
    headers: { ...headers, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
}

async function captureOk(headers: Record<string, string>, list: object[]) {
  const r = await capture(t, headers, doc(list));
  expect(r.job, JSON.stringify(r.body)).toMatchObject({ success: true, storedCount: list.length });
}

beforeAll(async () => {
  process.env.TRUYXUAT_ALLOW_PRIVATE_WEBHOOKS = 'true';
  t = await startTestApp();
  const farmId = await makeOrganisation(t.db, { name: 'HTX Sen Tịnh Tâm' });
  const otherId = await makeOrganisation(t.db, { name: 'Công ty Khác' });
  farm = (await apiKeyFor(t, farmId, ['epcis:capture', 'epcis:query'])).headers;
  other = (await apiKeyFor(t, otherId, ['epcis:capture', 'epcis:query'])).headers;
  await namedQuery(farm, 'shipping', { EQ_bizStep: ['shipping'] });
  await namedQuery(farm, 'everything');
  await namedQuery(other, 'everything');
});
afterAll(async () => {
  delete process.env.TRUYXUAT_ALLOW_PRIVATE_WEBHOOKS;
  await Promise.all(receivers.map((r) => r.close()));
  await t?.close();
});

describe('webhook stream subscriptions', () => {
  it('deliver each captured matching event exactly once, signed, and only to their organisation', async () => {
    const farmHook = await startReceiver();
    const otherHook = await startReceiver();
    receivers.push(farmHook, otherHook);
    const created = await subscribe(farm, 'shipping', { dest: farmHook.url, signatureToken: 's3cr3t', stream: true });
    expect(created.statusCode, created.body).toBe(201);
    const view = created.json<{ subscriptionID: string; stream: boolean; signed: boolean }>();
    expect(view).toMatchObject({ stream: true, signed: true });
    expect(created.body).not.toContain('s3cr3t');
    expect(created.headers.location).toBe(`/epcis/queries/shipping/subscriptions/${view.subscriptionID}`);
    const otherSub = await subscribe(other, 'everything', { dest: otherHook.url, stream: true });
    expect(otherSub.statusCode, otherSub.body).toBe(201);

    const first = events(3);
    const notMatching = events(2, 'receiving');
    await captureOk(farm, [...first, ...notMatching]);
    await workUntil(() => farmHook.delivered().length >= 3, 'the first delivery');
    const second = events(1);
    await captureOk(farm, second);
    // The same document again: duplicates, nothing new to deliver.
    const again = await capture(t, farm, doc(second));
    expect(again.job).toMatchObject({ success: true, storedCount: 0 });
    await workUntil(() => farmHook.delivered().length >= 4, 'the second delivery');
    // The other organisation's own event proves its subscription works; the farm's events never reach it.
    const theirs = events(1);
    await captureOk(other, theirs);
    await workUntil(() => otherHook.delivered().length >= 1, "the other organisation's delivery");
    await drainJobs(t);

    expect(farmHook.delivered()).toEqual(idsOf([...first, ...second]));
    expect(otherHook.delivered()).toEqual(idsOf(theirs));
    for (const r of farmHook.received) {
      expect(r.headers['content-type']).toMatch(/^application\/ld\+json/);
      expect(r.headers['gs1-epcis-version']).toBe('2.0.0');
      const signature = r.headers['gs1-signature'];
      expect(typeof signature).toBe('string');
      expect(verifyWebhookSignature(r.body, 's3cr3t', signature as string)).toBe(true);
      expect(verifyWebhookSignature(r.body, 'wrong', signature as string)).toBe(false);
      expect(r.json).toMatchObject({
        type: 'EPCISQueryDocument',
        epcisBody: { queryResults: { queryName: 'shipping', subscriptionID: view.subscriptionID } },
      });
    }
    expect(otherHook.received[0]!.headers['gs1-signature']).toBeUndefined();

    const details = await t.app.inject({
      url: `/epcis/queries/shipping/subscriptions/${view.subscriptionID}`,
      headers: farm,
    });
    expect(details.statusCode).toBe(200);
    const d = details.json<{
      lastNotifiedAt?: string;
      minRecordTime: string;
      deliveries: { delivered: boolean; eventCount: number }[];
    }>();
    expect(d.lastNotifiedAt).toBeDefined();
    expect(d.minRecordTime).toBe(d.lastNotifiedAt);
    expect(d.deliveries.map((x) => [x.delivered, x.eventCount])).toEqual([
      [true, 1],
      [true, 3],
    ]);
    // Another organisation cannot read or delete it.
    const foreign = `/epcis/queries/shipping/subscriptions/${view.subscriptionID}`;
    expect((await t.app.inject({ url: foreign, headers: other })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: foreign, headers: other })).statusCode).toBe(404);
  });

  it('retries a failing receiver with backoff and delivers once it answers 2xx, logging every attempt', async () => {
    const hook = await startReceiver(2);
    receivers.push(hook);
    await namedQuery(farm, 'retry-query', { EQ_bizStep: ['packing'] });
    const created = await subscribe(farm, 'retry-query', { dest: hook.url, signatureToken: 'k', stream: true });
    const id = created.json<{ subscriptionID: string }>().subscriptionID;
    const list = events(2, 'packing');
    await captureOk(farm, list);
    await workUntil(() => hook.received.length >= 1, 'delivery after retries');
    await drainJobs(t);
    expect(hook.failedCount()).toBe(2);
    expect(hook.delivered()).toEqual(idsOf(list));
    const d = (await t.app.inject({ url: `/epcis/queries/retry-query/subscriptions/${id}`, headers: farm })).json<{
      deliveries: { delivered: boolean; statusCode: number; attempt: number }[];
      status: { failureCount: number };
    }>();
    expect(d.deliveries.map((x) => [x.delivered, x.statusCode, x.attempt])).toEqual([
      [true, 204, 3],
      [false, 500, 2],
      [false, 500, 1],
    ]);
    expect(d.status.failureCount).toBe(0);
  });

  it('splits a large capture into bounded deliveries without losing or repeating an event', async () => {
    const hook = await startReceiver();
    receivers.push(hook);
    await namedQuery(farm, 'bulk', { EQ_bizStep: ['loading'] });
    expect((await subscribe(farm, 'bulk', { dest: hook.url, stream: true })).statusCode).toBe(201);
    const list = events(1001, 'loading');
    await captureOk(farm, list);
    await workUntil(() => hook.delivered().length >= 1001, 'three deliveries');
    await drainJobs(t);
    expect(hook.received.map((r) => r.json.epcisBody.queryResults.resultsBody.eventList.length)).toEqual([500, 500, 1]);
    expect(hook.delivered()).toEqual(idsOf(list));
  });

  it('delivers events captured before the subscription when initialRecordTime reaches back', async () => {
    const hook = await startReceiver();
    receivers.push(hook);
    await namedQuery(farm, 'history', { EQ_bizStep: ['storing'] });
    const before = events(2, 'storing');
    await captureOk(farm, before);
    const r = await subscribe(farm, 'history', {
      dest: hook.url,
      stream: true,
      initialRecordTime: '2020-01-01T00:00:00Z',
    });
    expect(r.statusCode, r.body).toBe(201);
    await workUntil(() => hook.delivered().length >= 2, 'the catch-up delivery');
    expect(hook.delivered()).toEqual(idsOf(before));
  });

  it('stops sending once the API key that created the subscription is revoked', async () => {
    const hook = await startReceiver();
    receivers.push(hook);
    const farmId = (
      await t.db
        .selectFrom('organisation')
        .select('id')
        .where('name', '=', 'HTX Sen Tịnh Tâm')
        .executeTakeFirstOrThrow()
    ).id;
    const key = await apiKeyFor(t, farmId, ['epcis:query']);
    await namedQuery(key.headers, 'revocable', { EQ_bizStep: ['departing'] });
    const created = await subscribe(key.headers, 'revocable', { dest: hook.url, stream: true });
    const id = created.json<{ subscriptionID: string }>().subscriptionID;
    const first = events(1, 'departing');
    await captureOk(farm, first);
    await workUntil(() => hook.delivered().length >= 1, 'the delivery before revocation');
    await t.db.updateTable('api_key').set({ revoked_at: new Date() }).where('id', '=', key.id).execute();
    await captureOk(farm, events(1, 'departing'));
    await drainJobs(t);
    expect(hook.delivered()).toEqual(idsOf(first));
    const log = await t.db
      .selectFrom('epcis_subscription_delivery')
      .select(['delivered', 'error'])
      .where('subscription_id', '=', id)
      .orderBy('id')
      .execute();
    expect(log.at(-1)).toMatchObject({ delivered: false });
    expect(log.at(-1)!.error).toMatch(/no longer valid/);
  });
});

describe('scheduled subscriptions', () => {
  it('fire on their schedule, report empty results when asked, and deliver what was captured meanwhile', async () => {
    const hook = await startReceiver();
    receivers.push(hook);
    await namedQuery(farm, 'scheduled', { EQ_bizStep: ['inspecting'] });
    const created = await subscribe(farm, 'scheduled', {
      dest: hook.url,
      reportIfEmpty: true,
      schedule: { second: '[0-59]' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const view = created.json<{ schedule: Record<string, string>; nextRunAt: string; reportIfEmpty: boolean }>();
    expect(view).toMatchObject({ schedule: { second: '[0-59]' }, reportIfEmpty: true });
    expect(Date.parse(view.nextRunAt)).toBeGreaterThan(Date.now() - 1000);
    await workUntil(() => hook.received.length >= 1, 'the first scheduled run');
    expect(hook.received[0]!.json.epcisBody.queryResults.resultsBody.eventList).toEqual([]);

    const list = events(2, 'inspecting');
    await captureOk(farm, list);
    await workUntil(() => hook.delivered().length >= 2, 'a scheduled run with events');
    expect(hook.delivered()).toEqual(idsOf(list));
    // Stream triggers do not reach a scheduled subscription: every delivery came from a scheduled run.
    const id = created.json<{ subscriptionID: string }>().subscriptionID;
    const d = (await t.app.inject({ url: `/epcis/queries/scheduled/subscriptions/${id}`, headers: farm })).json<{
      deliveries: { trigger: string }[];
    }>();
    expect(new Set(d.deliveries.map((x) => x.trigger))).toEqual(new Set(['schedule']));
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/epcis/queries/scheduled/subscriptions/${id}`, headers: farm }))
        .statusCode,
    ).toBe(204);
    // Deleted: the remaining scheduled job finds nothing to do and schedules nothing more.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const before = hook.received.length;
    await drainJobs(t);
    expect(hook.received.length).toBe(before);
    const pending = await t.db
      .selectFrom('job')
      .select('id')
      .where('kind', '=', 'epcis.subscription.schedule')
      .where('status', '=', 'queued')
      .execute();
    expect(pending).toEqual([]);
  });
});

describe('subscription requests', () => {
  it('refuse private, loopback and link-local destinations unless TRUYXUAT_ALLOW_PRIVATE_WEBHOOKS=true', async () => {
    delete process.env.TRUYXUAT_ALLOW_PRIVATE_WEBHOOKS;
    try {
      for (const dest of [
        'http://127.0.0.1:8080/hook',
        'http://localhost/hook',
        'http://[::1]/hook',
        'http://169.254.169.254/latest/meta-data',
        'http://10.1.2.3/hook',
        'http://192.168.1.10/hook',
        'http://[::ffff:127.0.0.1]/hook',
        'http://[fd00::1]/hook',
      ]) {
        const r = await subscribe(farm, 'everything', { dest, stream: true });
        expect(r.statusCode, dest).toBe(400);
        expect(r.json().errors[0].field, dest).toBe('dest');
      }
    } finally {
      process.env.TRUYXUAT_ALLOW_PRIVATE_WEBHOOKS = 'true';
    }
    const allowed = await subscribe(farm, 'everything', { dest: 'http://127.0.0.1:9/hook', stream: true });
    expect(allowed.statusCode).toBe(201);
    const location = allowed.headers.location as string;
    expect((await t.app.inject({ method: 'DELETE', url: location, headers: farm })).statusCode).toBe(204);
  });

  it('answer problem documents for invalid bodies', async () => {
    const cases: [object | string, string, string][] = [
      [{ stream: true }, 'dest', 'epcisException:ValidationException'],
      [{ dest: 'ftp://example.com/x', stream: true }, 'dest', 'epcisException:ValidationException'],
      [{ dest: 'not a url', stream: true }, 'dest', 'epcisException:ValidationException'],
      [{ dest: 'https://example.com/x' }, 'stream', 'epcisException:SubscriptionControlsException'],
      [
        { dest: 'https://example.com/x', stream: true, schedule: { hour: '1' } },
        'schedule',
        'epcisException:SubscriptionControlsException',
      ],
      [
        { dest: 'https://example.com/x', schedule: { minute: '61' } },
        'schedule/minute',
        'epcisException:SubscriptionControlsException',
      ],
      [{ dest: 'https://example.com/x', schedule: {} }, 'schedule', 'epcisException:SubscriptionControlsException'],
      [
        { dest: 'https://example.com/x', schedule: { dayOfMonth: '31', month: '2' } },
        'schedule',
        'epcisException:SubscriptionControlsException',
      ],
      [
        { dest: 'https://example.com/x', stream: true, initialRecordTime: 'yesterday' },
        'initialRecordTime',
        'epcisException:SubscriptionControlsException',
      ],
      [{ dest: 'https://example.com/x', stream: 'yes' }, 'stream', 'epcisException:ValidationException'],
      [{ dest: 'https://example.com/x', stream: true, secret: 1 }, 'secret', 'epcisException:ValidationException'],
      ['{not json', 'body', 'epcisException:ValidationException'],
    ];
    for (const [body, field, type] of cases) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/epcis/queries/everything/subscriptions',
        headers: { ...farm, 'content-type': 'application/json' },
        payload: typeof body === 'string' ? body : JSON.stringify(body),
      });
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.json(), JSON.stringify(body)).toMatchObject({ type, status: 400, errors: [{ field }] });
    }
    const unknownQuery = await subscribe(farm, 'no-such-query', { dest: 'https://example.com/x', stream: true });
    expect(unknownQuery.statusCode).toBe(404);
    expect((await subscribe({}, 'everything', { dest: 'https://example.com/x', stream: true })).statusCode).toBe(401);
  });

  it('lists, shows and deletes subscriptions; deleting the named query removes its subscriptions', async () => {
    await namedQuery(farm, 'temporary');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await subscribe(farm, 'temporary', { dest: `https://example.com/hook/${i}`, stream: true });
      ids.push(r.json<{ subscriptionID: string }>().subscriptionID);
    }
    const options = await t.app.inject({
      method: 'OPTIONS',
      url: '/epcis/queries/temporary/subscriptions',
      headers: farm,
    });
    expect(options.statusCode).toBe(204);
    expect(options.headers.allow).toBe('OPTIONS, GET, POST');
    const one = await t.app.inject({
      method: 'OPTIONS',
      url: `/epcis/queries/temporary/subscriptions/${ids[0]}`,
      headers: farm,
    });
    expect(one.headers.allow).toBe('OPTIONS, GET, DELETE');
    const page1 = await t.app.inject({ url: '/epcis/queries/temporary/subscriptions?perPage=2', headers: farm });
    expect(page1.statusCode).toBe(200);
    const next = /<([^>]+)>;\s*rel="next"/.exec(page1.headers.link as string)?.[1];
    expect(next).toBeDefined();
    const page2 = await t.app.inject({ url: next!, headers: farm });
    const listed = [...page1.json<{ subscriptionID: string }[]>(), ...page2.json<{ subscriptionID: string }[]>()];
    expect(listed.map((s) => s.subscriptionID).sort()).toEqual([...ids].sort());
    expect(JSON.stringify(listed)).not.toContain('signatureToken');
    expect((await t.app.inject({ url: '/epcis/queries/temporary/subscriptions', headers: other })).statusCode).toBe(
      404,
    );

    const del = await t.app.inject({
      method: 'DELETE',
      url: `/epcis/queries/temporary/subscriptions/${ids[0]}`,
      headers: farm,
    });
    expect(del.statusCode).toBe(204);
    const gone = await t.app.inject({ url: `/epcis/queries/temporary/subscriptions/${ids[0]}`, headers: farm });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().type).toBe('epcisException:NoSuchSubscriptionException');
    expect((await t.app.inject({ method: 'DELETE', url: '/epcis/queries/temporary', headers: farm })).statusCode).toBe(
      204,
    );
    const left = await t.db.selectFrom('epcis_subscription').select('id').where('id', 'in', ids).execute();
    expect(left).toEqual([]);
  });
});

describe('WebSocket subscriptions', () => {
  let base: string;
  beforeAll(async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = address.replace(/^http/, 'ws');
  });

  function connect(path: string, headers: Record<string, string>) {
    const socket = new WebSocket(`${base}${path}`, { headers });
    const messages: Received['json'][] = [];
    socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8')) as Received['json']));
    const opened = new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return { socket, messages, opened };
  }

  it('streams each newly captured matching event to a connected client', async () => {
    const ws = connect('/epcis/queries/shipping/events?stream=true', farm);
    await ws.opened;
    const list = events(2);
    const elsewhere = events(1, 'receiving');
    await captureOk(farm, [...list, ...elsewhere]);
    const got = () => ws.messages.flatMap((m) => idsOf(m.epcisBody.queryResults.resultsBody.eventList));
    await workUntil(() => got().length >= 2, 'the WebSocket message');
    expect(got()).toEqual(idsOf(list));
    expect(ws.messages[0]).toMatchObject({
      type: 'EPCISQueryDocument',
      epcisBody: { queryResults: { queryName: 'shipping' } },
    });
    // Other organisations' captures never reach it.
    await captureOk(other, events(1));
    const more = events(1);
    await captureOk(farm, more);
    await workUntil(() => got().length >= 3, 'a later WebSocket message');
    expect(got()).toEqual(idsOf([...list, ...more]));
    ws.socket.close();
  });

  it('sends scheduled results, empty ones too with reportIfEmpty=true', async () => {
    const ws = connect('/epcis/queries/shipping/events?second=[0-59]&reportIfEmpty=true', farm);
    await ws.opened;
    await workUntil(() => ws.messages.length >= 1, 'a scheduled WebSocket message');
    expect(ws.messages[0]!.epcisBody.queryResults.resultsBody.eventList).toEqual([]);
    const list = events(1);
    await captureOk(farm, list);
    const got = () => ws.messages.flatMap((m) => idsOf(m.epcisBody.queryResults.resultsBody.eventList));
    await workUntil(() => got().length >= 1, 'a scheduled WebSocket message with the event');
    expect(got()).toEqual(idsOf(list));
    ws.socket.close();
  });

  it('authenticates the upgrade and checks its parameters before switching protocols', async () => {
    const statusOf = (path: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(`${base}${path}`, { headers });
        socket.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          socket.terminate();
        });
        socket.once('open', () => {
          socket.close();
          reject(new Error('upgrade was accepted'));
        });
        socket.once('error', () => undefined);
      });
    expect(await statusOf('/epcis/queries/shipping/events?stream=true', {})).toBe(401);
    expect(await statusOf('/epcis/queries/shipping/events?stream=true', { authorization: 'Bearer tx_wrong' })).toBe(
      401,
    );
    expect(await statusOf('/epcis/queries/shipping/events?stream=true', other)).toBe(404);
    expect(await statusOf('/epcis/queries/shipping/events', farm)).toBe(400);
    expect(await statusOf('/epcis/queries/shipping/events?stream=true&hour=1', farm)).toBe(400);
    expect(await statusOf('/epcis/queries/shipping/events?minute=99', farm)).toBe(400);
  });
});

describe('outgoing webhook requests', () => {
  async function server(handler: http.RequestListener) {
    const srv = http.createServer(handler);
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const { port } = srv.address() as AddressInfo;
    return {
      port,
      close: () =>
        new Promise<void>((resolve) => {
          srv.close(() => resolve());
          srv.closeAllConnections();
        }),
    };
  }
  const request = (url: string, extra: Partial<Parameters<typeof postWebhook>[0]> = {}) =>
    postWebhook({
      url,
      body: '{}',
      headers: {},
      timeoutMs: 5000,
      maxResponseBytes: 1024,
      allowPrivate: true,
      ...extra,
    });

  it('classifies addresses: private, loopback, link-local and mapped forms are not public', () => {
    for (const a of [
      '127.0.0.1',
      '10.0.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
    ])
      expect(isNonPublicAddress(a), a).toBe(true);
    for (const a of ['::1', '::', 'fe80::1', 'fd12:3456::1', '::ffff:10.0.0.1', '::ffff:7f00:1', 'ff02::1'])
      expect(isNonPublicAddress(a), a).toBe(true);
    for (const a of ['8.8.8.8', '203.113.131.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])
      expect(isNonPublicAddress(a), a).toBe(false);
    expect(isNonPublicAddress('not-an-address')).toBe(true);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const s = await server(() => undefined);
    const outcome = await request(`http://127.0.0.1:${s.port}/`, { timeoutMs: 300 });
    await s.close();
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/No answer within 300 ms/);
  });

  it('stops reading an oversized answer and does not follow redirects', async () => {
    const big = await server((_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 120);
      let sent = 0;
      const push = () => {
        while (sent < 200 && res.write(chunk)) sent++;
        if (sent < 200) res.once('drain', push);
        else res.end();
      };
      push();
    });
    const outcome = await request(`http://127.0.0.1:${big.port}/`);
    await big.close();
    expect(outcome).toMatchObject({ ok: true, status: 200 });

    const redirect = await server((_req, res) => res.writeHead(302, { location: 'http://127.0.0.1:1/' }).end());
    const moved = await request(`http://127.0.0.1:${redirect.port}/`);
    await redirect.close();
    expect(moved).toMatchObject({ ok: false, status: 302 });
  });

  it('refuses non-public addresses at connection time, by name or by literal, unless allowed', async () => {
    const s = await server((_req, res) => res.writeHead(204).end());
    const byName = await request(`http://localhost:${s.port}/`, { allowPrivate: false });
    const byLiteral = await request(`http://127.0.0.1:${s.port}/`, { allowPrivate: false });
    const allowed = await request(`http://127.0.0.1:${s.port}/`, { allowPrivate: true });
    await s.close();
    expect(byName.ok).toBe(false);
    expect(byName.error).toMatch(/non-public/i);
    expect(byLiteral.ok).toBe(false);
    expect(allowed).toMatchObject({ ok: true, status: 204 });
  });
});
