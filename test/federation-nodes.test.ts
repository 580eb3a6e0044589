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
    expect(r.json().remote.lookups).toEqual([
      expect.objectContaining({ identifier: PACKED, status: 'failed', error: expect.stringContaining('401') }),
    ]);
    expect(r.json().local.nodes).toHaveLength(2);
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
