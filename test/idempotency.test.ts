import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneIdempotencyKeys } from '../src/http/idempotency.ts';
import type { RecallView } from '../src/trace/recall.service.ts';
import { withTaxCheckDigit } from '../src/registry/tax-code.ts';
import type { TestApp } from './helpers/app.ts';
import { startRecallChain, type RecallChain } from './helpers/recall-chain.ts';

/**
 * `Idempotency-Key` (IETF httpapi draft) on the POSTs that create an object: a retry with the same key and request
 * gets the first answer and creates nothing more; the same key with another request is 422; a concurrent retry is
 * 409 or the replay; keys are per organisation; a malformed key is 400; a failure stores nothing.
 */

let chain: RecallChain;
let t: TestApp;

beforeAll(async () => {
  chain = await startRecallChain('40');
  t = chain.t;
});
afterAll(async () => t?.close());

const send = (who: Record<string, string>, url: string, payload: object, key?: string) =>
  t.app.inject({
    method: 'POST',
    url,
    payload,
    headers: { ...who, ...(key === undefined ? {} : { 'idempotency-key': key }) },
  });

const recallsWithReason = async (reason: string) =>
  (await t.db.selectFrom('recall').select('id').where('reason', '=', reason).execute()).map((r) => r.id);

describe('Idempotency-Key', () => {
  it('replays the first answer to a retry of the same request and opens one recall', async () => {
    const key = randomUUID();
    const body = { lots: [chain.SEED], reason: 'Idempotent opening', severity: 'high' };
    const first = await send(chain.farm, '/api/recalls', body, key);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotency-replayed']).toBeUndefined();
    // The draft's form: a quoted Structured Field string names the same key.
    const again = await send(chain.farm, '/api/recalls', body, `"${key}"`);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.json<RecallView>().id).toBe(first.json<RecallView>().id);
    expect(again.json()).toEqual(first.json());
    expect(await recallsWithReason('Idempotent opening')).toEqual([first.json<RecallView>().id]);
    // The opening's audit entry and notifications were written once.
    const audits = await t.db
      .selectFrom('audit_entry')
      .select('seq')
      .where('object_id', '=', first.json<RecallView>().id)
      .where('action', '=', 'trace.recall.open')
      .execute();
    expect(audits).toHaveLength(1);
  });

  it('refuses the same key with another request (422), on the same route or another', async () => {
    const key = randomUUID();
    const body = { lots: [chain.SEED], reason: 'Key reuse A', severity: 'low' };
    expect((await send(chain.farm, '/api/recalls', body, key)).statusCode).toBe(201);
    const other = await send(chain.farm, '/api/recalls', { ...body, reason: 'Key reuse B' }, key);
    expect(other.statusCode, other.body).toBe(422);
    expect(other.headers['content-type']).toContain('application/problem+json');
    expect(other.json()).toMatchObject({
      status: 422,
      code: 'unprocessable',
      type: '/problems/idempotency-key-reused',
    });
    expect(await recallsWithReason('Key reuse B')).toEqual([]);
    const recallId = (await recallsWithReason('Key reuse A'))[0]!;
    const elsewhere = await send(chain.farm, `/api/recalls/${recallId}/close`, {}, key);
    expect(elsewhere.statusCode, elsewhere.body).toBe(422);
  });

  it('answers a concurrent retry with 409 or the replay, never a second recall', async () => {
    const key = randomUUID();
    const body = { lots: [chain.SEED], reason: 'Concurrent retry', severity: 'medium' };
    const answers = await Promise.all([1, 2, 3].map(() => send(chain.farm, '/api/recalls', body, key)));
    const ids = await recallsWithReason('Concurrent retry');
    expect(ids).toHaveLength(1);
    for (const a of answers) {
      expect([201, 409], a.body).toContain(a.statusCode);
      if (a.statusCode === 201) expect(a.json<RecallView>().id).toBe(ids[0]);
      else expect(a.json()).toMatchObject({ status: 409, type: '/problems/idempotency-key-in-use' });
    }
    expect(answers.some((a) => a.statusCode === 201)).toBe(true);
    // Once the first has finished, a retry gets its answer.
    const later = await send(chain.farm, '/api/recalls', body, key);
    expect(later.statusCode).toBe(201);
    expect(later.json<RecallView>().id).toBe(ids[0]);
  });

  it("keeps each organisation's keys apart", async () => {
    const key = randomUUID();
    const farm = await send(
      chain.farm,
      '/api/recalls',
      { lots: [chain.SEED], reason: 'Farm key', severity: 'low' },
      key,
    );
    expect(farm.statusCode, farm.body).toBe(201);
    const factory = await send(
      chain.factory,
      '/api/recalls',
      { lots: [chain.DRIED], reason: 'Factory key', severity: 'low' },
      key,
    );
    expect(factory.statusCode, factory.body).toBe(201);
    expect(factory.json<RecallView>().id).not.toBe(farm.json<RecallView>().id);
    expect(factory.headers['idempotency-replayed']).toBeUndefined();
  });

  it('refuses a malformed key with 400 and creates nothing', async () => {
    const body = { lots: [chain.SEED], reason: 'Malformed key', severity: 'low' };
    for (const key of ['', 'a'.repeat(256), 'has space', 'không-ascii', '"unterminated']) {
      const r = await send(chain.farm, '/api/recalls', body, key);
      expect(r.statusCode, `${JSON.stringify(key)}: ${r.body}`).toBe(400);
      expect(r.json()).toMatchObject({ status: 400, code: 'validation' });
    }
    expect(await recallsWithReason('Malformed key')).toEqual([]);
    expect((await send(chain.farm, '/api/recalls', body, 'a'.repeat(255))).statusCode).toBe(201);
  });

  it('stores nothing for a failure, so the same key may be sent again', async () => {
    const key = randomUUID();
    const unknownLot = chain.SEED.replace(/\/10\/R1$/, '/10/NOPE');
    const failed = await send(
      chain.farm,
      '/api/recalls',
      { lots: [unknownLot], reason: 'Fails', severity: 'low' },
      key,
    );
    expect(failed.statusCode).toBe(404);
    expect(await t.db.selectFrom('idempotency_key').select('key').where('key', '=', key).execute()).toEqual([]);
    const fixed = await send(chain.farm, '/api/recalls', { lots: [chain.SEED], reason: 'Fixed', severity: 'low' }, key);
    expect(fixed.statusCode, fixed.body).toBe(201);
  });

  it('records a recall action once for a retried key, and a close once', async () => {
    const opened = await send(chain.farm, '/api/recalls', { lots: [chain.SEED], reason: 'Actions', severity: 'high' });
    const id = opened.json<RecallView>().id;
    const key = randomUUID();
    const action = { lot: chain.DRIED, action: 'quarantined', quantity: 2, uom: 'KGM', note: 'idempotent action' };
    const first = await send(chain.factory, `/api/recalls/${id}/actions`, action, key);
    expect(first.statusCode, first.body).toBe(201);
    const retry = await send(chain.factory, `/api/recalls/${id}/actions`, action, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotency-replayed']).toBe('true');
    const actions = await t.db.selectFrom('recall_action').select('id').where('recall_id', '=', id).execute();
    expect(actions).toHaveLength(1);
    const closeKey = randomUUID();
    const closed = await send(chain.farm, `/api/recalls/${id}/close`, {}, closeKey);
    expect(closed.statusCode, closed.body).toBe(200);
    // Without the key a second close is refused; with it, the client gets the answer to the close it made.
    expect((await send(chain.farm, `/api/recalls/${id}/close`, {})).statusCode).toBe(409);
    const again = await send(chain.farm, `/api/recalls/${id}/close`, {}, closeKey);
    expect(again.statusCode).toBe(200);
    expect(again.json<RecallView>().status).toBe('closed');
  });

  it('replays an anonymous registration to the same applicant', async () => {
    const taxCode = ['330900001', '330900002', '330900003', '330900004']
      .map((b) => withTaxCheckDigit(b))
      .find((c) => c !== undefined)!;
    const body = {
      name: 'HTX Idempotent',
      kind: 'cooperative',
      taxCode,
      communeCode: '19774',
      communeName: 'Phường Thuận Hóa',
      contactName: 'Nguyễn Văn Lặp',
      contactEmail: 'lap@example.vn',
      password: 'lặp-lại-2026',
    };
    const key = randomUUID();
    const first = await send({}, '/api/registrations', body, key);
    expect(first.statusCode, first.body).toBe(201);
    const retry = await send({}, '/api/registrations', body, key);
    expect(retry.statusCode, retry.body).toBe(201);
    expect(retry.json()).toEqual(first.json());
    const organisations = await t.db.selectFrom('organisation').select('id').where('tax_code', '=', taxCode).execute();
    expect(organisations).toHaveLength(1);
  });

  it('forgets answers older than 24 hours when pruned', async () => {
    await t.db
      .insertInto('idempotency_key')
      .values([
        {
          owner: 'org:prune',
          key: 'old',
          request_route: 'POST /x',
          request_hash: 'h',
          response_status: 201,
          response_body: null,
        },
        {
          owner: 'org:prune',
          key: 'new',
          request_route: 'POST /x',
          request_hash: 'h',
          response_status: 201,
          response_body: null,
        },
      ])
      .execute();
    await t.db
      .updateTable('idempotency_key')
      .set({ created_at: new Date(Date.now() - 25 * 3600_000) })
      .where('owner', '=', 'org:prune')
      .where('key', '=', 'old')
      .execute();
    expect(await pruneIdempotencyKeys(t.db)).toBeGreaterThanOrEqual(1);
    const left = await t.db.selectFrom('idempotency_key').select('key').where('owner', '=', 'org:prune').execute();
    expect(left.map((r) => r.key)).toEqual(['new']);
  });
});
