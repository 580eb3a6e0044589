import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { withCheckDigit } from '../src/identifiers/check-digit.ts';
import { recallStatusOfLots } from '../src/trace/index.ts';
import { enqueueJob } from '../src/jobs/job.service.ts';
import { RECALL_IMPACT_KIND } from '../src/trace/recall-follow.ts';
import type { RecallView } from '../src/trace/recall.service.ts';
import { apiKeyFor, makeOrganisation, type TestApp } from './helpers/app.ts';
import { capture, drainJobs } from './helpers/epcis.ts';
import { startRecallChain, type RecallChain } from './helpers/recall-chain.ts';

/**
 * A recall follows the events recorded after it opened: a late shipment of a recalled lot reaches a new
 * organisation, a product made from it becomes a recalled lot, and closing the recall tells everyone reached.
 */
let chain: RecallChain;
let t: TestApp;
let market: Record<string, string>;
let marketId: string;
const MARKET_GLN = withCheckDigit('893500430000');
const GIFT = `https://id.gs1.org/01/${withCheckDigit('0893500130003')}/10/G1`;

const doc = (events: object[]) =>
  JSON.stringify({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-05-02T00:00:00Z',
    epcisBody: { eventList: events },
  });
const at = (h: number) => ({
  eventTime: new Date(Date.UTC(2026, 4, 2, h)).toISOString(),
  eventTimeZoneOffset: '+07:00',
});

const inbox = async (headers: Record<string, string>) =>
  (await t.app.inject({ url: '/api/notifications?lang=en', headers })).json<{
    items: { kind: string; title: string; payload: { recallId?: string } }[];
  }>().items;

/** Runs the recall-impact jobs now, as the worker would once their window has settled. */
async function settle(): Promise<number> {
  const due =
    await sql`update job set run_after = now() where kind = ${RECALL_IMPACT_KIND} and status = 'queued'`.execute(t.db);
  await drainJobs(t);
  return Number(due.numAffectedRows ?? 0);
}

beforeAll(async () => {
  chain = await startRecallChain('30');
  t = chain.t;
  marketId = await makeOrganisation(t.db, { name: 'Chợ Đông Ba' });
  await t.db.updateTable('organisation').set({ primary_gln: MARKET_GLN }).where('id', '=', marketId).execute();
  market = (await apiKeyFor(t, marketId, ['epcis:capture', 'epcis:query', 'recall:manage'])).headers;
});
afterAll(async () => t?.close());

describe('a recall follows the events recorded after it opened', () => {
  let recall: RecallView;

  it('reaches an organisation a recalled lot is shipped to later, and tells it', async () => {
    const opened = await chain.post(chain.farm, '/api/recalls', {
      lots: [chain.SEED],
      reason: 'Aflatoxin above limit',
      severity: 'high',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    recall = opened.json<RecallView>();
    expect(recall.impact.organisations.map((o) => o.id)).not.toContain(marketId);

    const late = await capture(
      t,
      chain.shop,
      doc([
        {
          type: 'ObjectEvent',
          ...at(1),
          action: 'OBSERVE',
          bizStep: 'shipping',
          quantityList: [{ epcClass: chain.DRIED, quantity: 20, uom: 'KGM' }],
          sourceList: [{ type: 'owning_party', source: `https://id.gs1.org/417/${chain.SHOP_GLN}` }],
          destinationList: [{ type: 'owning_party', destination: `https://id.gs1.org/417/${MARKET_GLN}` }],
        },
      ]),
    );
    expect(late.job).toMatchObject({ success: true });
    // Queued for a little later, after the capture has committed.
    const queued = await t.db
      .selectFrom('job')
      .select(['run_after', 'payload'])
      .where('kind', '=', RECALL_IMPACT_KIND)
      .execute();
    expect(queued).toHaveLength(1);
    expect(queued[0]!.payload).toEqual({ recallId: recall.id });
    expect(new Date(queued[0]!.run_after).getTime()).toBeGreaterThan(Date.now());
    expect(await inbox(market)).toEqual([]);

    expect(await settle()).toBe(1);
    const now = (await t.app.inject({ url: `/api/recalls/${recall.id}`, headers: chain.province })).json<RecallView>();
    expect(now.impact.organisations.map((o) => o.id)).toContain(marketId);
    expect(now.acknowledgements.map((a) => a.organisationId)).toContain(marketId);
    const told = await inbox(market);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ kind: 'recall.opened', payload: { recallId: recall.id } });
    // The market sees the recall and acknowledges it like the first ones.
    const ack = await chain.post(market, `/api/recalls/${recall.id}/acknowledgements`, { note: 'Đã ngừng bán' });
    expect(ack.statusCode, ack.body).toBe(200);
  });

  it('covers a product made from a recalled lot afterwards: its consumer pages show the recall', async () => {
    const gtin = GIFT.split('/')[4]!;
    expect(await recallStatusOfLots(t.db, [{ gtin, lot: 'G1' }])).toEqual([]);
    const made = await capture(
      t,
      market,
      doc([
        {
          type: 'TransformationEvent',
          ...at(3),
          inputQuantityList: [{ epcClass: chain.DRIED, quantity: 20, uom: 'KGM' }],
          outputQuantityList: [{ epcClass: GIFT, quantity: 40, uom: 'H87' }],
        },
      ]),
    );
    expect(made.job).toMatchObject({ success: true });
    await settle();
    expect((await recallStatusOfLots(t.db, [{ gtin, lot: 'G1' }])).map((r) => r.recallId)).toEqual([recall.id]);
    const view = (await t.app.inject({ url: `/api/recalls/${recall.id}`, headers: chain.province })).json<RecallView>();
    expect(view.impact.lots.map((l) => l.identifier)).toContain(GIFT);
    // Nobody new was reached: no second notification for the market.
    expect(await inbox(market)).toHaveLength(1);
    // Running it again changes nothing.
    const again = await chain.post(chain.farm, `/api/recalls/${recall.id}/impact`, {});
    expect(again.statusCode, again.body).toBe(200);
    expect(
      again
        .json<RecallView>()
        .impact.organisations.map((o) => o.id)
        .sort(),
    ).toEqual(view.impact.organisations.map((o) => o.id).sort());
  });

  it('lets a burst of captures share one run of the impact', async () => {
    const queued = [
      await enqueueJob(t.db, RECALL_IMPACT_KIND, { recallId: recall.id }),
      await enqueueJob(t.db, RECALL_IMPACT_KIND, { recallId: recall.id }),
    ];
    const other = await enqueueJob(t.db, RECALL_IMPACT_KIND, { recallId: 'another-recall' });
    await drainJobs(t);
    const left = await t.db
      .selectFrom('job')
      .select(['id', 'status'])
      .where('id', 'in', [...queued, other])
      .orderBy('id')
      .execute();
    // One run did the work and dropped the other queued job of its recall; another recall's job is untouched.
    expect(left.filter((j) => queued.includes(j.id))).toEqual([expect.objectContaining({ status: 'done' })]);
    expect(left.find((j) => j.id === other)).toMatchObject({ status: 'done' });
  });

  it('lets only the opener or the province update the impact on demand', async () => {
    expect((await chain.post(chain.shop, `/api/recalls/${recall.id}/impact`, {})).statusCode).toBe(403);
    expect((await chain.post(chain.outsider, `/api/recalls/${recall.id}/impact`, {})).statusCode).toBe(404);
    expect((await chain.post(chain.province, `/api/recalls/${recall.id}/impact`, {})).statusCode).toBe(200);
  });

  it('tells every organisation reached when the recall closes, and stops following it', async () => {
    const closed = await chain.post(chain.farm, `/api/recalls/${recall.id}/close`, {});
    expect(closed.statusCode, closed.body).toBe(200);
    for (const headers of [chain.factory, chain.shop, market, chain.province]) {
      const items = await inbox(headers);
      expect(items.filter((n) => n.kind === 'recall.closed')).toEqual([
        expect.objectContaining({
          title: `Recall closed: R1 (GTIN ${chain.SEED.split('/')[4]}) — Aflatoxin above limit`,
          payload: expect.objectContaining({ recallId: recall.id }),
        }),
      ]);
    }
    expect((await inbox(chain.farm)).filter((n) => n.kind === 'recall.closed')).toEqual([]);
    expect((await chain.post(chain.farm, `/api/recalls/${recall.id}/close`, {})).statusCode).toBe(409);
    expect((await chain.post(chain.farm, `/api/recalls/${recall.id}/impact`, {})).statusCode).toBe(409);
    await capture(
      t,
      chain.factory,
      doc([
        {
          type: 'ObjectEvent',
          ...at(5),
          action: 'OBSERVE',
          bizStep: 'inspecting',
          quantityList: [{ epcClass: chain.DRIED, quantity: 1, uom: 'KGM' }],
        },
      ]),
    );
    expect(await settle()).toBe(0);
  });

  it('does not follow a drill, and a drill closes without telling anyone', async () => {
    const drill = await chain.post(chain.factory, '/api/recalls', {
      lots: [chain.OTHER],
      reason: 'Diễn tập',
      severity: 'low',
      mock: true,
    });
    expect(drill.statusCode, drill.body).toBe(201);
    await capture(
      t,
      chain.factory,
      doc([
        {
          type: 'ObjectEvent',
          ...at(6),
          action: 'OBSERVE',
          bizStep: 'shipping',
          quantityList: [{ epcClass: chain.OTHER, quantity: 5, uom: 'KGM' }],
          sourceList: [{ type: 'owning_party', source: `https://id.gs1.org/417/${chain.FACTORY_GLN}` }],
          destinationList: [{ type: 'owning_party', destination: `https://id.gs1.org/417/${MARKET_GLN}` }],
        },
      ]),
    );
    expect(await settle()).toBe(0);
    const before = (await inbox(chain.province)).length;
    expect((await chain.post(chain.factory, `/api/recalls/${drill.json<RecallView>().id}/close`, {})).statusCode).toBe(
      200,
    );
    expect(await inbox(chain.province)).toHaveLength(before);
  });
});
