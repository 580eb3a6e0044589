import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyWebhookSignature } from '../src/epcis/webhook-signature.ts';
import { JOB_HANDLERS } from '../src/jobs/handlers.ts';
import { startWorker } from '../src/jobs/job.service.ts';
import { notify, setEmailTransport, type EmailMessage } from '../src/notifications/index.ts';
import { makeOrganisation, signInAs, startTestApp, type SignedIn, type TestApp } from './helpers/app.ts';

let t: TestApp;
let orgA: string;
let orgB: string;
let adminA: SignedIn;
let operatorA: SignedIn;
let adminB: SignedIn;
let province: SignedIn;

interface Received {
  body: string;
  headers: http.IncomingHttpHeaders;
}
let receiver: http.Server;
let receiverUrl: string;
const received: Received[] = [];
let answer = 200;

// The e-mail sender says when it keeps a row queued for want of a transport.
const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);

beforeAll(async () => {
  t = await startTestApp();
  orgA = await makeOrganisation(t.db, { name: 'HTX Sen Tịnh Tâm' });
  orgB = await makeOrganisation(t.db, { name: 'Cơ sở khác' });
  await t.db.updateTable('organisation').set({ contact_email: 'Lienhe@Sen.vn' }).where('id', '=', orgA).execute();
  adminA = await signInAs(t, orgA, 'org_admin');
  operatorA = await signInAs(t, orgA, 'org_operator');
  adminB = await signInAs(t, orgB, 'org_admin');
  province = await signInAs(
    t,
    await makeOrganisation(t.db, { kind: 'authority', name: 'Sở Nông nghiệp' }),
    'province_admin',
  );
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.statusCode = answer;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  warn.mockRestore();
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
  await t?.close();
});
afterEach(() => {
  delete process.env.TRUYXUAT_ALLOW_PRIVATE_WEBHOOKS;
  delete process.env.SMTP_URL;
  delete process.env.MAIL_FROM;
  setEmailTransport(null);
});

const get = (headers: Record<string, string>, url: string) => t.app.inject({ url, headers });
const post = (headers: Record<string, string>, url: string, payload?: object) =>
  t.app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) });
const worker = () => startWorker(t.db, { handlers: JOB_HANDLERS, backoffMs: () => 0 }, false);
async function drain(): Promise<void> {
  const w = worker();
  for (let i = 0; i < 20 && (await w.runOnce()); i++);
}

const input = (organisationId: string | null, lot = 'HS-1') => ({
  organisationId,
  kind: 'recall.opened',
  titleKey: 'trace.notification.recallOpened.high',
  params: { lots: `Hạt sen ${lot}`, reason: 'Aflatoxin' },
  link: '/app/recalls/r1',
  payload: { recallId: 'r1' },
});

describe('notifications', () => {
  it('notify writes the in-app notification and the e-mail outbox row inside the transaction', async () => {
    await t.db.transaction().execute(async (trx) => notify(trx, input(orgA)));
    // A rolled-back transaction leaves nothing.
    await expect(
      t.db.transaction().execute(async (trx) => {
        await notify(trx, input(orgA, 'ROLLED-BACK'));
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    const rows = await t.db.selectFrom('notification').selectAll().where('organisation_id', '=', orgA).execute();
    expect(rows).toHaveLength(1);
    const emails = await t.db.selectFrom('notification_email').selectAll().execute();
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ organisation_id: orgA, status: 'queued', attempts: 0 });
    // The contact address and every active user, lower-cased, once each.
    expect(emails[0]!.recipients).toContain('lienhe@sen.vn');
    expect(emails[0]!.recipients).toHaveLength(3);
    expect(emails[0]!.subject).toBe(
      'Thu hồi sản phẩm, mức độ cao: Hạt sen HS-1 — Aflatoxin / Product recall, high severity: Hạt sen HS-1 — Aflatoxin',
    );
    expect(emails[0]!.body).toContain('Kính gửi HTX Sen Tịnh Tâm,');
    expect(emails[0]!.body).toContain('Dear HTX Sen Tịnh Tâm,');
    expect(emails[0]!.body).toContain(`${t.config.publicUrl}/app/recalls/r1`);
  });

  it('without an e-mail transport the outbox keeps its rows queued; with one they are sent', async () => {
    await drain();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('no e-mail transport is configured'));
    const [queued] = await t.db.selectFrom('notification_email').selectAll().execute();
    expect(queued).toMatchObject({ status: 'queued', sent_at: null });
    const jobs = await t.db.selectFrom('job').select(['kind', 'status']).execute();
    expect(jobs.filter((j) => j.kind === 'notification.email.send').map((j) => j.status)).toEqual(['done']);

    const sent: EmailMessage[] = [];
    setEmailTransport({ send: async (m) => void sent.push(m) });
    await t.db.transaction().execute(async (trx) => notify(trx, input(orgA, 'HS-2')));
    await drain();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toContain('HS-2');
    const rows = await t.db.selectFrom('notification_email').select(['subject', 'status', 'attempts']).execute();
    expect(rows.find((r) => r.subject.includes('HS-2'))).toMatchObject({ status: 'sent', attempts: 1 });

    setEmailTransport({
      send: async () => {
        throw new Error('SMTP 451 try later');
      },
    });
    await t.db.transaction().execute(async (trx) => notify(trx, input(orgA, 'HS-3')));
    await worker().runOnce();
    const failed = await t.db
      .selectFrom('notification_email')
      .select(['subject', 'status', 'attempts', 'last_error'])
      .execute();
    expect(failed.find((r) => r.subject.includes('HS-3'))).toMatchObject({
      status: 'queued',
      attempts: 1,
      last_error: 'SMTP 451 try later',
    });
  });

  it('sends through SMTP when SMTP_URL is configured', async () => {
    // A minimal SMTP server: accepts one message and keeps what it was told.
    const session: string[] = [];
    const server = net.createServer((socket) => {
      let data = false;
      let buffer = '';
      socket.write('220 test ESMTP\r\n');
      socket.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let end: number;
        while ((end = buffer.indexOf('\r\n')) >= 0) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          session.push(line);
          if (data) {
            if (line === '.') {
              data = false;
              socket.write('250 queued\r\n');
            }
          } else if (/^(EHLO|HELO)/i.test(line)) socket.write('250-test\r\n250 8BITMIME\r\n');
          else if (/^DATA/i.test(line)) {
            data = true;
            socket.write('354 go on\r\n');
          } else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
          else socket.write('250 ok\r\n');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      process.env.SMTP_URL = `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`;
      process.env.MAIL_FROM = 'Truy xuất Huế <thongbao@truyxuat.example>';
      await t.db.transaction().execute(async (trx) => notify(trx, input(orgA, 'SMTP-1')));
      await drain();
      const row = await t.db
        .selectFrom('notification_email')
        .select(['subject', 'status', 'sent_at'])
        .where('subject', 'like', '%SMTP-1%')
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('sent');
      expect(row.sent_at).not.toBeNull();
      expect(session).toContain('MAIL FROM:<thongbao@truyxuat.example>');
      expect(session).toContain('RCPT TO:<lienhe@sen.vn>');
      expect(session.some((l) => l.startsWith('Subject:'))).toBe(true);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('lists the caller’s notifications in its language, unread first filter and paging; others see none', async () => {
    await t.db.transaction().execute(async (trx) => notify(trx, input(null, 'PROVINCE')));
    const list = await get(adminA.headers, '/api/notifications?limit=2');
    expect(list.statusCode, list.body).toBe(200);
    const page = list.json<{ items: { title: string; organisationId: string }[]; total: number; unread: number }>();
    expect(page.total).toBe(4);
    expect(page.unread).toBe(4);
    expect(page.items).toHaveLength(2);
    expect(page.items[0]!.title).toBe('Thu hồi sản phẩm, mức độ cao: Hạt sen SMTP-1 — Aflatoxin');
    expect(page.items.every((i) => i.organisationId === orgA)).toBe(true);
    const second = (await get(adminA.headers, '/api/notifications?limit=2&offset=2')).json<{ items: unknown[] }>();
    expect(second.items).toHaveLength(2);
    const english = await get({ ...adminA.headers, 'accept-language': 'en-GB,en;q=0.9' }, '/api/notifications?limit=1');
    expect(english.json<{ items: { title: string }[] }>().items[0]!.title).toBe(
      'Product recall, high severity: Hạt sen SMTP-1 — Aflatoxin',
    );
    // Another organisation sees none; the province sees its own (organisationId null).
    expect((await get(adminB.headers, '/api/notifications')).json<{ total: number }>().total).toBe(0);
    const prov = (await get(province.headers, '/api/notifications')).json<{ items: { organisationId: null }[] }>();
    expect(prov.items.map((i) => i.organisationId)).toEqual([null]);
    expect((await get({}, '/api/notifications')).statusCode).toBe(401);
  });

  it('marks one read (the first time kept); another organisation’s answers 404', async () => {
    const [first] = (await get(adminA.headers, '/api/notifications?limit=1')).json<{ items: { id: string }[] }>().items;
    const read = await post(operatorA.headers, `/api/notifications/${first!.id}/read`);
    expect(read.statusCode, read.body).toBe(200);
    const readAt = read.json<{ readAt: string }>().readAt;
    expect(readAt).not.toBeNull();
    const again = await post(adminA.headers, `/api/notifications/${first!.id}/read`);
    expect(again.json<{ readAt: string }>().readAt).toBe(readAt);
    const unread = (await get(adminA.headers, '/api/notifications?unread=true')).json<{
      items: { id: string }[];
      total: number;
      unread: number;
    }>();
    expect(unread.total).toBe(3);
    expect(unread.unread).toBe(3);
    expect(unread.items.map((i) => i.id)).not.toContain(first!.id);
    const foreign = await post(adminB.headers, `/api/notifications/${first!.id}/read`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.headers['content-type']).toContain('application/problem+json');
    expect((await post(adminA.headers, '/api/notifications/nope/read')).statusCode).toBe(404);
  });
});

describe('notification webhooks', () => {
  let hookId: string;
  let secret: string;

  it('refuses private addresses and non-administrators; shows the secret once', async () => {
    const refused = await post(adminA.headers, '/api/notification-webhooks', { url: receiverUrl });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('url');
    expect((await post(adminA.headers, '/api/notification-webhooks', { url: 'ftp://example.com/x' })).statusCode).toBe(
      400,
    );
    process.env.TRUYXUAT_ALLOW_PRIVATE_WEBHOOKS = 'true';
    expect((await post(operatorA.headers, '/api/notification-webhooks', { url: receiverUrl })).statusCode).toBe(403);
    const created = await post(adminA.headers, '/api/notification-webhooks', {
      url: receiverUrl,
      kinds: ['recall.opened'],
    });
    expect(created.statusCode, created.body).toBe(201);
    ({ id: hookId, secret } = created.json<{ id: string; secret: string }>());
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const listed = (await get(adminA.headers, '/api/notification-webhooks')).json<Record<string, unknown>[]>();
    expect(listed).toEqual([
      expect.objectContaining({
        id: hookId,
        url: receiverUrl,
        kinds: ['recall.opened'],
        secretPrefix: secret.slice(0, 12),
      }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect((await get(adminB.headers, '/api/notification-webhooks')).json()).toEqual([]);
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/notification-webhooks/${hookId}`, headers: adminB.headers }))
        .statusCode,
    ).toBe(404);
  });

  it('delivers a signed notification; a failing receiver is retried; other kinds are not sent', async () => {
    process.env.TRUYXUAT_ALLOW_PRIVATE_WEBHOOKS = 'true';
    received.length = 0;
    await t.db.transaction().execute(async (trx) => {
      await notify(trx, input(orgA, 'HOOK-1'));
      await notify(trx, { ...input(orgA, 'OTHER-KIND'), kind: 'alert.raised' });
    });
    await drain();
    expect(received).toHaveLength(1);
    const [hit] = received;
    expect(verifyWebhookSignature(hit!.body, secret, String(hit!.headers['x-truyxuat-signature']))).toBe(true);
    expect(verifyWebhookSignature(hit!.body, 'whsec_wrong', String(hit!.headers['x-truyxuat-signature']))).toBe(false);
    const body = JSON.parse(hit!.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      kind: 'recall.opened',
      organisationId: orgA,
      title: { vi: expect.stringContaining('HOOK-1'), en: expect.stringContaining('Product recall') },
      link: `${t.config.publicUrl}/app/recalls/r1`,
      payload: { recallId: 'r1' },
    });
    expect(hit!.headers['x-truyxuat-event']).toBe('recall.opened');

    answer = 503;
    await t.db.transaction().execute(async (trx) => notify(trx, input(orgA, 'HOOK-2')));
    const w = worker();
    for (let i = 0; i < 5 && (await w.runOnce()); i++);
    let deliveries = (await get(adminA.headers, `/api/notification-webhooks/${hookId}/deliveries`)).json<
      { status: string; attempts: number; lastStatusCode: number | null }[]
    >();
    expect(deliveries[0]).toMatchObject({ status: 'pending', lastStatusCode: 503 });
    expect(deliveries[0]!.attempts).toBeGreaterThanOrEqual(1);
    answer = 200;
    await drain();
    deliveries = (await get(adminA.headers, `/api/notification-webhooks/${hookId}/deliveries`)).json();
    expect(deliveries[0]).toMatchObject({ status: 'delivered', lastStatusCode: 200 });
    expect(deliveries.map((d) => d.status)).toEqual(['delivered', 'delivered']);
  });

  it('refuses at delivery time an endpoint that is no longer allowed (private address)', async () => {
    received.length = 0;
    await t.db.transaction().execute(async (trx) => notify(trx, input(orgA, 'HOOK-3')));
    const w = worker();
    for (let i = 0; i < 5 && (await w.runOnce()); i++);
    expect(received).toHaveLength(0);
    const deliveries = (await get(adminA.headers, `/api/notification-webhooks/${hookId}/deliveries`)).json<
      { status: string; lastError: string | null }[]
    >();
    expect(deliveries[0]!.status).not.toBe('delivered');
    expect(deliveries[0]!.lastError).toMatch(/non-public|Refused/);
  });

  it('a removed endpoint gets nothing more', async () => {
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/notification-webhooks/${hookId}`,
      headers: adminA.headers,
    });
    expect(del.statusCode).toBe(204);
    expect((await get(adminA.headers, '/api/notification-webhooks')).json()).toEqual([]);
    const before = await t.db.selectFrom('notification_webhook_delivery').select('id').execute();
    await t.db.transaction().execute(async (trx) => notify(trx, input(orgA, 'HOOK-4')));
    const after = await t.db.selectFrom('notification_webhook_delivery').select('id').execute();
    expect(after.length).toBe(before.length);
  });
});
