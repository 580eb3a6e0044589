import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConnector } from '../src/federation/connector.service.ts';
import { buildApp } from '../src/http/app.ts';
import type { App } from '../src/http/context.ts';
import { withCheckDigit } from '../src/identifiers/check-digit.ts';
import { apiKeyFor, makeOrganisation, signInAs, startTestApp, type TestApp } from './helpers/app.ts';
import { capture, drainJobs } from './helpers/epcis.ts';

/**
 * Two truyxuat nodes on loopback ports, each with its own database: a farm on node A ships a lot to a processor on
 * node B. B's trace of its own lot reaches A's farm through A's resolver (gs1:epcis link) and A's EPCIS query; a
 * pull connector on B copies A's events through a TCP proxy that cuts connections mid-page, across restarts of both
 * servers, without storing any event twice.
 */

const FARM_PREFIX = '8935101';
const FARM_GLN = withCheckDigit(`${FARM_PREFIX}00001`);
const PACKER_GLN = withCheckDigit(`${FARM_PREFIX}00002`);
const B_GLN = withCheckDigit('893520200001');
const RAW = `https://id.gs1.org/01/${withCheckDigit(`0${FARM_PREFIX}00011`)}/10/SEN-THO-01`;
const PACKED = `https://id.gs1.org/01/${withCheckDigit(`0${FARM_PREFIX}00012`)}/10/SEN-SAY-01`;
const TEA = `https://id.gs1.org/01/${withCheckDigit('0893520200010')}/10/TRA-SEN-07`;

const doc = (events: object[]) =>
  JSON.stringify({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-06-01T00:00:00Z',
    epcisBody: { eventList: events },
  });
const at = (h: number) => ({
  eventTime: new Date(Date.UTC(2026, 5, 1, h)).toISOString(),
  eventTimeZoneOffset: '+07:00',
});
const gln = (g: string) => `https://id.gs1.org/414/${g}`;
const party = (g: string) => `https://id.gs1.org/417/${g}`;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A loopback TCP proxy in front of a node. `plan([null, 200])` lets the next connection through and cuts the one
 * after it 200 bytes into the answer's body (a network failure in the middle of a page); `down` refuses connections.
 */
class CuttingProxy {
  readonly server: net.Server;
  target = 0;
  down = false;
  connections = 0;
  private cuts: (number | null)[] = [];
  constructor() {
    this.server = net.createServer((client) => {
      this.connections++;
      if (this.down) return void client.destroy();
      const bodyBytes = this.cuts.shift() ?? null;
      const upstream = net.connect(this.target, '127.0.0.1');
      client.pipe(upstream);
      let seen = Buffer.alloc(0);
      upstream.on('data', (chunk: Buffer) => {
        if (bodyBytes === null) return void client.write(chunk);
        const start = seen.length;
        seen = Buffer.concat([seen, chunk]);
        const headerEnd = seen.indexOf('\r\n\r\n');
        const cutAt = headerEnd === -1 ? Infinity : headerEnd + 4 + bodyBytes;
        if (cutAt >= seen.length) return void client.write(chunk);
        client.write(chunk.subarray(0, Math.max(0, cutAt - start)), () => {
          upstream.destroy();
          client.destroy();
        });
      });
      upstream.on('end', () => client.end());
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
  }
  plan(cuts: (number | null)[]): void {
    this.cuts = [...cuts];
  }
  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A node: a test app listening on a fixed loopback port with PUBLIC_URL naming it (its resolver's links do). */
async function startNode(): Promise<{ t: TestApp; url: string; port: number }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = await startTestApp({ publicUrl: url, port });
  await t.app.listen({ port, host: '127.0.0.1' });
  return { t, url, port };
}

let A: { t: TestApp; url: string; port: number };
let B: { t: TestApp; url: string; port: number };
let farmA: Record<string, string>;
let provinceAKey: string;
let processorB: Record<string, string>;
let processorBId: string;
let provinceB: Record<string, string>;
const proxy = new CuttingProxy();
let proxyPort = 0;
const extraApps: App[] = [];

beforeAll(async () => {
  process.env.TRUYXUAT_OUTBOUND_ALLOW = 'loopback';
  A = await startNode();
  B = await startNode();
  proxy.target = A.port;
  proxyPort = await proxy.listen();

  // Node A: a farm with its packing house, and the province's key that node B is given for cross-node queries.
  const farmId = await makeOrganisation(A.t.db, { name: 'HTX Sen Phú Mậu' });
  await A.t.db.updateTable('organisation').set({ primary_gln: FARM_GLN }).where('id', '=', farmId).execute();
  await A.t.db
    .insertInto('location')
    .values({
      id: crypto.randomUUID(),
      organisation_id: farmId,
      kind: 'packing_house',
      gln: PACKER_GLN,
      name: 'Nhà sơ chế',
    })
    .execute();
  farmA = (await apiKeyFor(A.t, farmId, ['epcis:capture', 'epcis:query'])).headers;
  // The farm's products are registered on A, so A's resolver answers for their lots.
  for (const [dl, name] of [
    [RAW, 'Sen tươi'],
    [PACKED, 'Hạt sen sấy'],
  ] as const)
    await A.t.db
      .insertInto('product')
      .values({
        id: crypto.randomUUID(),
        organisation_id: farmId,
        gtin: dl.split('/')[4]!,
        name,
        group_code: 'specialty.hue',
      })
      .execute();
  const authorityA = await makeOrganisation(A.t.db, { kind: 'authority', name: 'Sở NN&MT tỉnh A' });
  provinceAKey = (await apiKeyFor(A.t, authorityA, ['epcis:query', 'province:read'])).headers.authorization!.slice(7);

  // Node B: a processor and its province.
  processorBId = await makeOrganisation(B.t.db, { name: 'Công ty Trà Sen Huế' });
  await B.t.db.updateTable('organisation').set({ primary_gln: B_GLN }).where('id', '=', processorBId).execute();
  processorB = (await apiKeyFor(B.t, processorBId, ['epcis:capture', 'epcis:query'])).headers;
  provinceB = (await signInAs(B.t, await makeOrganisation(B.t.db, { kind: 'authority' }), 'province_admin')).headers;

  // A: harvest at the farm, dry-pack into PACKED, ship PACKED to B.
  const onA = await capture(
    A.t,
    farmA,
    doc([
      {
        type: 'ObjectEvent',
        ...at(1),
        action: 'ADD',
        bizStep: 'commissioning',
        bizLocation: { id: gln(FARM_GLN) },
        quantityList: [{ epcClass: RAW, quantity: 120, uom: 'KGM' }],
      },
      {
        type: 'TransformationEvent',
        ...at(2),
        bizStep: 'commissioning',
        bizLocation: { id: gln(PACKER_GLN) },
        inputQuantityList: [{ epcClass: RAW, quantity: 120, uom: 'KGM' }],
        outputQuantityList: [{ epcClass: PACKED, quantity: 100, uom: 'KGM' }],
      },
      {
        type: 'ObjectEvent',
        ...at(3),
        action: 'OBSERVE',
        bizStep: 'shipping',
        readPoint: { id: gln(PACKER_GLN) },
        quantityList: [{ epcClass: PACKED, quantity: 100, uom: 'KGM' }],
        sourceList: [{ type: 'owning_party', source: party(FARM_GLN) }],
        destinationList: [{ type: 'owning_party', destination: party(B_GLN) }],
      },
      ...[4, 5, 6, 7].map((h) => ({
        type: 'ObjectEvent',
        ...at(h),
        action: 'OBSERVE',
        bizStep: 'inspecting',
        readPoint: { id: gln(FARM_GLN) },
        quantityList: [{ epcClass: RAW, quantity: 1, uom: 'KGM' }],
      })),
    ]),
  );
  expect(onA.job).toMatchObject({ success: true, storedCount: 7 });

  // B: receive PACKED from A, blend it into TEA.
  const onB = await capture(
    B.t,
    processorB,
    doc([
      {
        type: 'ObjectEvent',
        ...at(10),
        action: 'OBSERVE',
        bizStep: 'receiving',
        bizLocation: { id: gln(B_GLN) },
        quantityList: [{ epcClass: PACKED, quantity: 100, uom: 'KGM' }],
        sourceList: [{ type: 'owning_party', source: party(FARM_GLN) }],
        destinationList: [{ type: 'owning_party', destination: party(B_GLN) }],
      },
      {
        type: 'TransformationEvent',
        ...at(11),
        bizStep: 'commissioning',
        bizLocation: { id: gln(B_GLN) },
        inputQuantityList: [{ epcClass: PACKED, quantity: 100, uom: 'KGM' }],
        outputQuantityList: [{ epcClass: TEA, quantity: 400, uom: 'KGM' }],
      },
    ]),
  );
  expect(onB.job).toMatchObject({ success: true, storedCount: 2 });
});

afterAll(async () => {
  delete process.env.TRUYXUAT_OUTBOUND_ALLOW;
  for (const app of extraApps) await app.close();
  await proxy.close();
  // The first apps were closed by the restart; close the databases.
  await A?.t.database.close();
  await B?.t.database.close();
});

describe('cross-node trace', () => {
  it('B traces its tea back through A’s resolver and EPCIS query to A’s farm, marking which node answered', async () => {
    const noNodes = await B.t.app.inject({
      url: `/api/federation/trace?id=${encodeURIComponent(TEA)}`,
      headers: processorB,
    });
    expect(noNodes.statusCode).toBe(200);
    expect(noNodes.json().remote.nodes).toEqual([]);

    const configured = await B.t.app.inject({
      method: 'POST',
      url: '/api/federation/nodes',
      headers: provinceB,
      payload: {
        name: 'truyxuat tỉnh A',
        baseUrl: A.url,
        companyPrefixes: [FARM_PREFIX],
        credential: { kind: 'bearer', token: provinceAKey },
      },
    });
    expect(configured.statusCode, configured.body).toBe(201);
    expect(JSON.stringify(configured.json())).not.toContain(provinceAKey);
    const listed = await B.t.app.inject({ url: '/api/federation/nodes', headers: provinceB });
    expect(listed.json()).toEqual([
      expect.objectContaining({ baseUrl: A.url, credential: { kind: 'bearer', stored: true } }),
    ]);
    expect(listed.body).not.toContain(provinceAKey);
    const stored = await B.t.db.selectFrom('remote_node').select('credential_enc').executeTakeFirstOrThrow();
    expect(stored.credential_enc).not.toContain(provinceAKey);
    // A business may not configure nodes.
    const refused = await B.t.app.inject({
      method: 'POST',
      url: '/api/federation/nodes',
      headers: processorB,
      payload: { name: 'x', baseUrl: A.url, companyPrefixes: [] },
    });
    expect(refused.statusCode).toBe(403);

    const r = await B.t.app.inject({
      url: `/api/federation/trace?id=${encodeURIComponent(TEA)}&direction=backward`,
      headers: processorB,
    });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    // Locally B knows TEA and PACKED (received), and nothing before PACKED.
    expect(body.local.nodes.map((n: { key: string }) => n.key).sort()).toEqual([PACKED, TEA].sort());
    const remote = new Map<
      string,
      { answeredBy: { baseUrl: string }; events: { bizStep: string; bizLocation: string | null }[] }
    >(body.remote.nodes.map((n: { key: string }) => [n.key, n]));
    expect([...remote.keys()].sort()).toEqual([PACKED, RAW].sort());
    for (const n of remote.values()) expect(n.answeredBy.baseUrl).toBe(A.url);
    // RAW's commissioning at A's farm: the trace reached the farm.
    expect(remote.get(RAW)!.events).toContainEqual(
      expect.objectContaining({ bizStep: 'commissioning', bizLocation: gln(FARM_GLN) }),
    );
    expect(body.remote.edges).toEqual([
      expect.objectContaining({
        from: RAW,
        to: PACKED,
        kind: 'transformation',
        answeredBy: expect.objectContaining({ baseUrl: A.url }),
      }),
    ]);
    expect(body.remote.lookups.map((l: { status: string }) => l.status)).toEqual(['answered', 'answered']);
    expect(body.remote.nodes.every((n: { lastKnownAt: unknown }) => n.lastKnownAt === null)).toBe(true);
  });

  it('a node that refuses the credential is reported as failed, and the local trace still answers', async () => {
    const [node] = (await B.t.app.inject({ url: '/api/federation/nodes', headers: provinceB })).json();
    const patched = await B.t.app.inject({
      method: 'PATCH',
      url: `/api/federation/nodes/${node.id}`,
      headers: provinceB,
      payload: { credential: { kind: 'bearer', token: 'tx_wrong' } },
    });
    expect(patched.statusCode).toBe(200);
    const r = await B.t.app.inject({ url: `/api/federation/trace?id=${encodeURIComponent(TEA)}`, headers: processorB });
    expect(r.statusCode).toBe(200);
    // The node refuses now; what it answered in the trace before is shown as its last known answer, with the time.
    const { lookups, nodes } = r.json().remote;
    expect(lookups).toEqual([
      expect.objectContaining({
        identifier: PACKED,
        status: 'failed',
        error: expect.stringContaining('401'),
        lastKnownAt: expect.any(String),
      }),
      expect.objectContaining({ identifier: RAW, status: 'failed', lastKnownAt: expect.any(String) }),
    ]);
    expect(Date.parse(lookups[0].lastKnownAt)).toBeLessThanOrEqual(Date.now());
    const known = new Map<string, { lastKnownAt: string | null; events: { bizStep: string }[] }>(
      nodes.map((n: { key: string }) => [n.key, n]),
    );
    expect(known.get(RAW)!.lastKnownAt).toBe(lookups[1].lastKnownAt);
    expect(known.get(RAW)!.events).toContainEqual(expect.objectContaining({ bizStep: 'commissioning' }));
    expect(r.json().local.nodes).toHaveLength(2);
    // A node never asked before has nothing to show: no last known answer.
    await B.t.db.deleteFrom('remote_answer').execute();
    const empty = await B.t.app.inject({
      url: `/api/federation/trace?id=${encodeURIComponent(TEA)}`,
      headers: processorB,
    });
    expect(empty.json().remote).toMatchObject({
      nodes: [],
      lookups: [expect.objectContaining({ identifier: PACKED, status: 'failed', lastKnownAt: null })],
    });
    await B.t.app.inject({
      method: 'PATCH',
      url: `/api/federation/nodes/${node.id}`,
      headers: provinceB,
      payload: { credential: { kind: 'bearer', token: provinceAKey } },
    });
  });
});

describe('pull connector between the nodes', () => {
  const connectorEvents = async () =>
    B.t.db
      .selectFrom('epcis_event')
      .select(['event_hash', 'event_id'])
      .where('owner_organisation_id', '=', processorBId)
      .where('channel', '=', 'connector')
      .execute();

  it('copies A’s events page by page, resumes after cut connections and restarts, and never stores one twice', async () => {
    const created = await B.t.app.inject({
      method: 'POST',
      url: '/api/federation/connectors',
      headers: processorB,
      payload: {
        name: 'Sự kiện của HTX Sen Phú Mậu',
        endpointUrl: `http://127.0.0.1:${proxyPort}/epcis/events`,
        credential: { kind: 'bearer', token: farmA.authorization!.slice(7) },
        intervalSeconds: 3600,
        perPage: 2,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const connector = created.json();
    expect(created.body).not.toContain(farmA.authorization!.slice(7));
    expect(connector.credential).toEqual({ kind: 'bearer', stored: true });

    // The first (queued) run: the second page's connection is cut in the middle of its answer's body.
    proxy.plan([null, 200]);
    const before = proxy.connections;
    await drainJobs(B.t);
    expect(proxy.connections - before).toBe(2);
    let runs = (
      await B.t.app.inject({ url: `/api/federation/connectors/${connector.id}/runs`, headers: processorB })
    ).json();
    expect(runs).toEqual([
      expect.objectContaining({ trigger: 'schedule', status: 'failed', pages: 1, stored: 2, fetched: 2 }),
    ]);
    expect(runs[0].error).toMatch(/closed before the answer ended/);
    expect((await connectorEvents()).length).toBe(2);
    let view = (
      await B.t.app.inject({ url: `/api/federation/connectors/${connector.id}`, headers: processorB })
    ).json();
    expect(view).toMatchObject({ cursor: { midQuery: true }, consecutiveFailures: 1 });

    // The remote is down altogether: the run fails and the cursor stays where it was.
    proxy.down = true;
    const down = await B.t.app.inject({
      method: 'POST',
      url: `/api/federation/connectors/${connector.id}/run`,
      headers: processorB,
    });
    expect(down.statusCode).toBe(200);
    expect(down.json()).toMatchObject({ status: 'failed', resumed: true, pages: 0, stored: 0 });
    proxy.down = false;

    // Both servers restart: A on a new port behind the same proxy address, B's API on the same database.
    await A.t.app.close();
    const restartedA = await buildApp({ db: A.t.db, config: A.t.config }, { logger: false });
    extraApps.push(restartedA);
    await restartedA.listen({ port: 0, host: '127.0.0.1' });
    proxy.target = (restartedA.server.address() as AddressInfo).port;
    await B.t.app.close();
    const restartedB = await buildApp({ db: B.t.db, config: B.t.config }, { logger: false });
    extraApps.push(restartedB);

    // The resumed run continues from the page it had not stored; one more cut connection on the way.
    proxy.plan([null, 300]);
    const third = await restartedB.inject({
      method: 'POST',
      url: `/api/federation/connectors/${connector.id}/run`,
      headers: processorB,
    });
    expect(third.json()).toMatchObject({ status: 'failed', resumed: true });
    const fourth = await restartedB.inject({
      method: 'POST',
      url: `/api/federation/connectors/${connector.id}/run`,
      headers: processorB,
    });
    expect(fourth.json(), fourth.body).toMatchObject({ status: 'ok', resumed: true });

    const copied = await connectorEvents();
    expect(copied.length).toBe(7);
    expect(new Set(copied.map((e) => e.event_hash)).size).toBe(7);
    const onA = await A.t.db.selectFrom('epcis_event').select('event_hash').execute();
    expect(new Set(copied.map((e) => e.event_hash))).toEqual(new Set(onA.map((e) => e.event_hash)));

    // Nothing new on A: the next pass starts at the latest recordTime seen and stores nothing.
    const idle = await restartedB.inject({
      method: 'POST',
      url: `/api/federation/connectors/${connector.id}/run`,
      headers: processorB,
    });
    expect(idle.json()).toMatchObject({ status: 'ok', resumed: false, stored: 0 });
    expect((await connectorEvents()).length).toBe(7);

    // A new event on A arrives with the next run, once.
    const more = await capture(
      { ...A.t, app: restartedA },
      farmA,
      doc([
        {
          type: 'ObjectEvent',
          ...at(20),
          action: 'OBSERVE',
          bizStep: 'inspecting',
          readPoint: { id: gln(FARM_GLN) },
          quantityList: [{ epcClass: RAW, quantity: 2, uom: 'KGM' }],
        },
      ]),
    );
    expect(more.job).toMatchObject({ storedCount: 1 });
    const next = await runConnector(B.t.db, connector.id, 'manual');
    expect(next).not.toBeNull();
    expect((await connectorEvents()).length).toBe(8);

    runs = (
      await restartedB.inject({ url: `/api/federation/connectors/${connector.id}/runs`, headers: processorB })
    ).json();
    expect(runs.map((r: { status: string }) => r.status)).toEqual(['ok', 'ok', 'ok', 'failed', 'failed', 'failed']);
    view = (await restartedB.inject({ url: `/api/federation/connectors/${connector.id}`, headers: processorB })).json();
    expect(view).toMatchObject({ consecutiveFailures: 0, lastError: null, cursor: { midQuery: false } });
    expect(JSON.stringify(view)).not.toContain(farmA.authorization!.slice(7));
  }, 240_000);
});

/** B's API listening on its own port again (the connector test above restarts B without listening). */
let bLive: App | undefined;
async function liveB(): Promise<App> {
  if (B.t.app.server.listening) return B.t.app;
  if (bLive) return bLive;
  bLive = await buildApp({ db: B.t.db, config: B.t.config }, { logger: false });
  extraApps.push(bLive);
  await bLive.listen({ port: B.port, host: '127.0.0.1' });
  return bLive;
}

/** A's API as it is now (restarted by the connector test above, or the first one). */
const liveA = (): App => (A.t.app.server.listening ? A.t.app : extraApps[0]!);

describe('subscribing connector: A’s own EPCIS subscription delivers to B’s inbox', () => {
  it('subscribes on A, captures signed deliveries, refuses unsigned ones, and unsubscribes when paused', async () => {
    const b = await liveB();
    const a = liveA();
    const receiverId = await makeOrganisation(B.t.db, { name: 'Công ty nhận qua webhook' });
    const receiver = (await signInAs({ ...B.t, app: b }, receiverId, 'org_admin')).headers;
    const named = await a.inject({
      method: 'POST',
      url: '/epcis/queries',
      headers: { ...farmA, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'farm-inspections', query: { EQ_bizStep: 'inspecting' } }),
    });
    expect(named.statusCode, named.body).toBe(201);

    // A pull-only endpoint cannot be subscribed to: it has no subscriptions resource.
    const refused = await b.inject({
      method: 'POST',
      url: '/api/federation/connectors',
      headers: receiver,
      payload: {
        name: 'x',
        endpointUrl: `http://127.0.0.1:${proxyPort}/epcis/events`,
        intervalSeconds: 3600,
        mode: 'subscribe',
      },
    });
    expect(refused.statusCode).toBe(400);

    const created = await b.inject({
      method: 'POST',
      url: '/api/federation/connectors',
      headers: receiver,
      payload: {
        name: 'Kiểm tra tại HTX (webhook)',
        endpointUrl: `http://127.0.0.1:${proxyPort}/epcis/queries/farm-inspections/events`,
        credential: { kind: 'bearer', token: farmA.authorization!.slice(7) },
        intervalSeconds: 3600,
        mode: 'subscribe',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const connector = created.json();
    const inboxUrl = `${B.url}/api/federation/connectors/${connector.id}/inbox`;
    expect(connector).toMatchObject({ mode: 'subscribe', subscription: { active: true, error: null, inboxUrl } });
    // A holds the subscription, signed, delivering to B's inbox; the token is never shown.
    const onA = (await a.inject({ url: '/epcis/queries/farm-inspections/subscriptions', headers: farmA })).json<
      { dest: string; signed: boolean; stream?: boolean }[]
    >();
    expect(onA).toEqual([expect.objectContaining({ dest: inboxUrl, signed: true, stream: true })]);

    // New inspections on A reach B through A's delivery worker, once, for the receiving organisation.
    const captured = await capture(
      { ...A.t, app: a },
      farmA,
      doc(
        [30, 31].map((h) => ({
          type: 'ObjectEvent',
          ...at(h),
          action: 'OBSERVE',
          bizStep: 'inspecting',
          readPoint: { id: gln(FARM_GLN) },
          quantityList: [{ epcClass: RAW, quantity: h, uom: 'KGM' }],
        })),
      ),
    );
    expect(captured.job).toMatchObject({ storedCount: 2 });
    // A's worker delivers (on PostgreSQL a delivery waits until the capture's commit is settled, so it may be
    // rescheduled a moment later), then B's worker captures what its inbox accepted.
    const receivedOnB = () =>
      B.t.db
        .selectFrom('epcis_event')
        .select(['event_hash', 'channel'])
        .where('owner_organisation_id', '=', receiverId)
        .execute();
    let delivered = await receivedOnB();
    for (let round = 0; round < 50 && delivered.length < 2; round++) {
      await drainJobs(A.t);
      await drainJobs(B.t);
      delivered = await receivedOnB();
      if (delivered.length < 2) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(delivered).toHaveLength(2);
    expect(delivered.every((e) => e.channel === 'connector')).toBe(true);
    const onAHashes = await A.t.db
      .selectFrom('epcis_event')
      .select('event_hash')
      .where('biz_step', '=', 'inspecting')
      .where('event_time', '>=', new Date(Date.UTC(2026, 5, 1, 30)))
      .execute();
    expect(new Set(delivered.map((e) => e.event_hash))).toEqual(new Set(onAHashes.map((e) => e.event_hash)));
    let runs = (await b.inject({ url: `/api/federation/connectors/${connector.id}/runs`, headers: receiver })).json();
    expect(runs).toEqual([
      expect.objectContaining({ trigger: 'webhook', status: 'ok', fetched: 2, stored: 2, duplicates: 0 }),
    ]);
    // A's delivery log: accepted by B.
    const sub = (await a.inject({ url: '/epcis/queries/farm-inspections/subscriptions', headers: farmA })).json()[0];
    expect(sub.status.failureCount).toBe(0);

    // A delivery that is not signed with the connector's token is refused and stores nothing.
    const body = JSON.stringify({
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'EPCISQueryDocument',
      schemaVersion: '2.0',
      creationDate: '2026-06-02T00:00:00Z',
      epcisBody: {
        queryResults: {
          queryName: 'farm-inspections',
          resultsBody: {
            eventList: [
              {
                type: 'ObjectEvent',
                ...at(40),
                action: 'OBSERVE',
                bizStep: 'inspecting',
                readPoint: { id: gln(FARM_GLN) },
                quantityList: [{ epcClass: RAW, quantity: 9, uom: 'KGM' }],
              },
            ],
          },
        },
      },
    });
    for (const signature of [undefined, 'ab'.repeat(32)]) {
      const forged = await b.inject({
        method: 'POST',
        url: `/api/federation/connectors/${connector.id}/inbox`,
        headers: { 'content-type': 'application/ld+json', ...(signature ? { 'gs1-signature': signature } : {}) },
        payload: body,
      });
      expect(forged.statusCode).toBe(401);
    }
    await drainJobs(B.t);
    expect(
      await B.t.db.selectFrom('epcis_event').select('id').where('owner_organisation_id', '=', receiverId).execute(),
    ).toHaveLength(2);

    // The subscription started when it was made; a manual run pulls the named query from A to catch up on what came
    // before: the two delivered events are duplicates, nothing is stored twice.
    const resend = await b.inject({
      method: 'POST',
      url: `/api/federation/connectors/${connector.id}/run`,
      headers: receiver,
    });
    const inspections = await A.t.db
      .selectFrom('epcis_event')
      .select('event_hash')
      .where('biz_step', '=', 'inspecting')
      .execute();
    expect(resend.json()).toMatchObject({
      trigger: 'manual',
      status: 'ok',
      fetched: inspections.length,
      duplicates: 2,
      stored: inspections.length - 2,
    });
    const held = await B.t.db
      .selectFrom('epcis_event')
      .select('event_hash')
      .where('owner_organisation_id', '=', receiverId)
      .execute();
    expect(held.map((e) => e.event_hash).sort()).toEqual(inspections.map((e) => e.event_hash).sort());

    // Pausing ends the subscription on A; deliveries to the paused inbox are refused.
    const paused = await b.inject({
      method: 'PATCH',
      url: `/api/federation/connectors/${connector.id}`,
      headers: receiver,
      payload: { enabled: false },
    });
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json()).toMatchObject({ enabled: false, subscription: { active: false, error: null } });
    expect((await a.inject({ url: '/epcis/queries/farm-inspections/subscriptions', headers: farmA })).json()).toEqual(
      [],
    );
    // Resuming subscribes again from the latest recordTime delivered; deleting ends it again.
    const resumed = await b.inject({
      method: 'PATCH',
      url: `/api/federation/connectors/${connector.id}`,
      headers: receiver,
      payload: { enabled: true },
    });
    expect(resumed.json()).toMatchObject({ enabled: true, subscription: { active: true } });
    const again = (await a.inject({ url: '/epcis/queries/farm-inspections/subscriptions', headers: farmA })).json<
      { initialRecordTime: string }[]
    >();
    expect(again).toHaveLength(1);
    expect(Date.parse(again[0]!.initialRecordTime)).toBeGreaterThan(Date.parse('2026-06-01T00:00:00Z'));
    const removed = await b.inject({
      method: 'DELETE',
      url: `/api/federation/connectors/${connector.id}`,
      headers: receiver,
    });
    expect(removed.statusCode).toBe(204);
    expect((await a.inject({ url: '/epcis/queries/farm-inspections/subscriptions', headers: farmA })).json()).toEqual(
      [],
    );
    runs = await B.t.db.selectFrom('connector_run').select('id').where('connector_id', '=', connector.id).execute();
    expect(runs).toEqual([]);
  }, 120_000);
});

describe('pull connector and eventID clashes', () => {
  it('skips nothing it should store, reports a clashing eventID by event, and finishes the run', async () => {
    const b = await liveB();
    const ownerId = await makeOrganisation(B.t.db, { name: 'Cơ sở có sự kiện trùng mã' });
    const owner = (await apiKeyFor({ ...B.t, app: b }, ownerId, ['epcis:capture', 'epcis:query'])).headers;
    // One of A's events, by its eventID; this organisation on B already holds a different event under that eventID.
    const onA = await A.t.db
      .selectFrom('epcis_event')
      .select(['event_id', 'event_hash'])
      .where('biz_step', '=', 'inspecting')
      .execute();
    const clashing = onA[0]!.event_id;
    const own = await capture(
      { ...B.t, app: b },
      owner,
      doc([
        {
          type: 'ObjectEvent',
          eventID: clashing,
          ...at(50),
          action: 'OBSERVE',
          bizStep: 'storing',
          readPoint: { id: gln(B_GLN) },
          quantityList: [{ epcClass: TEA, quantity: 1, uom: 'KGM' }],
        },
      ]),
    );
    expect(own.job).toMatchObject({ storedCount: 1 });
    const created = await b.inject({
      method: 'POST',
      url: '/api/federation/connectors',
      headers: owner,
      payload: {
        name: 'Sự kiện của HTX',
        endpointUrl: `http://127.0.0.1:${proxyPort}/epcis/events`,
        query: { EQ_bizStep: 'inspecting' },
        credential: { kind: 'bearer', token: farmA.authorization!.slice(7) },
        intervalSeconds: 3600,
        perPage: 3,
        enabled: false,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const run = await b.inject({
      method: 'POST',
      url: `/api/federation/connectors/${created.json().id}/run`,
      headers: owner,
    });
    // Every other event of A is stored for this organisation (other organisations' copies on B do not stand in
    // the way); the clash is named in the run log and the pass ends, so the cursor moves past it.
    expect(run.json(), run.body).toMatchObject({
      status: 'ok',
      fetched: onA.length,
      stored: onA.length - 1,
      conflicts: 1,
      conflictDetail: [expect.objectContaining({ eventID: clashing })],
    });
    const copied = await B.t.db
      .selectFrom('epcis_event')
      .select('event_hash')
      .where('owner_organisation_id', '=', ownerId)
      .where('channel', '=', 'connector')
      .execute();
    expect(new Set(copied.map((e) => e.event_hash))).toEqual(
      new Set(onA.filter((e) => e.event_id !== clashing).map((e) => e.event_hash)),
    );
    const view = (await b.inject({ url: `/api/federation/connectors/${created.json().id}`, headers: owner })).json();
    expect(view).toMatchObject({ cursor: { midQuery: false }, lastError: null });
    // The next run meets the clash again (GE re-reads the last instant only) without failing.
    const next = await b.inject({
      method: 'POST',
      url: `/api/federation/connectors/${created.json().id}/run`,
      headers: owner,
    });
    expect(next.json()).toMatchObject({ status: 'ok', stored: 0 });
  }, 120_000);
});
