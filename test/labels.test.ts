import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDigitalLink } from '../src/identifiers/index.ts';
import { checkVerificationCode, findStamp, isValidSerial, recordStampScans } from '../src/labels/index.ts';
import { LABEL_LAYOUTS, labelsPerSheet, type LabelLayout } from '../src/labels/layouts.ts';
import { apiKeyFor, makeOrganisation, signInAs, startTestApp, type TestApp } from './helpers/app.ts';

const run = promisify(execFile);

const GTIN = '08938505974019';
const OTHER_GTIN = '08938505974026';
const PRODUCT_NAME = 'Mè xửng Hương Xưa hộp 250 g';

interface Batch {
  id: string;
  organisationId: string;
  gtin: string;
  lot: string | null;
  quantity: number;
  layout: string;
  state: string;
  withVerificationCode: boolean;
  counts: Record<'issued' | 'activated' | 'scanned' | 'void', number>;
}
interface Stamp {
  id: string;
  sequence: number;
  serial: string;
  uri: string;
  lot: string | null;
  state: string;
}

let t: TestApp;
let owner: Record<string, string>;
let other: Record<string, string>;
let province: Record<string, string>;
let provinceAdmin: Record<string, string>;
let ownerId: string;
let productId: string;
let otherProductId: string;

async function insertProduct(organisationId: string, gtin: string, name: string): Promise<string> {
  const id = randomUUID();
  await t.db
    .insertInto('product')
    .values({ id, organisation_id: organisationId, gtin, name, group_code: 'specialty.hue' })
    .execute();
  return id;
}

async function order(body: Record<string, unknown>, headers = owner): Promise<Batch> {
  const response = await t.app.inject({ method: 'POST', url: '/api/stamp-batches', headers, payload: body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Batch>();
}

async function stampsOf(batchId: string, headers = owner): Promise<Stamp[]> {
  const response = await t.app.inject({ url: `/api/stamp-batches/${batchId}/stamps?limit=1000`, headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: Stamp[] }>().items;
}

const post = (url: string, payload: Record<string, unknown>, headers = owner) =>
  t.app.inject({ method: 'POST', url, headers, payload });

/**
 * Renders the first page at 300 dpi (pdftoppm), cuts it into one image per label position, and decodes each with
 * zbarimg, as a phone would scan one label at a time. (zbar's whole-page search misses codes when dozens of them
 * stand in aligned rows, so the page is not decoded in one piece.) Returns the decoded text per label, in order.
 */
async function decodeLabels(pdf: string, layout: LabelLayout, dir: string): Promise<string[]> {
  const dpi = 300;
  await run('pdftoppm', ['-r', String(dpi), '-gray', '-f', '1', '-l', '1', pdf, path.join(dir, 'page')]);
  const pgm = await readFile(path.join(dir, 'page-1.pgm'));
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1'));
  if (!header) throw new Error('pdftoppm did not write a PGM');
  const [width, height] = [Number(header[1]), Number(header[2])];
  const pixels = pgm.subarray(header[0].length);
  expect(pixels.length).toBe(width * height);
  const px = (mm: number) => Math.round((mm / 25.4) * dpi);
  const files: string[] = [];
  for (let slot = 0; slot < labelsPerSheet(layout); slot++) {
    const x = px(layout.left + (slot % layout.columns) * layout.horizontalPitch);
    const y = px(layout.top + Math.floor(slot / layout.columns) * layout.verticalPitch);
    const [w, h] = [px(layout.labelWidth), px(layout.labelHeight)];
    const crop = Buffer.alloc(w * h);
    for (let row = 0; row < h; row++) pixels.copy(crop, row * w, (y + row) * width + x, (y + row) * width + x + w);
    const file = path.join(dir, `label-${String(slot).padStart(3, '0')}.pgm`);
    await writeFile(file, Buffer.concat([Buffer.from(`P5\n${w} ${h}\n255\n`, 'latin1'), crop]));
    files.push(file);
  }
  const decoded: string[] = [];
  for (const file of files) {
    const { stdout } = await run('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', file]).catch(
      (e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }),
    );
    decoded.push(stdout.trim());
  }
  return decoded;
}

beforeAll(async () => {
  t = await startTestApp({ publicUrl: 'https://truyxuat.hue.gov.vn' });
  ownerId = await makeOrganisation(t.db, { name: 'Cơ sở Mè xửng Hương Xưa' });
  const otherId = await makeOrganisation(t.db);
  const authority = await makeOrganisation(t.db, { kind: 'authority' });
  owner = (await signInAs(t, ownerId, 'org_operator')).headers;
  other = (await signInAs(t, otherId, 'org_admin')).headers;
  province = (await signInAs(t, authority, 'province_inspector')).headers;
  provinceAdmin = (await signInAs(t, authority, 'province_admin')).headers;
  productId = await insertProduct(ownerId, GTIN, PRODUCT_NAME);
  otherProductId = await insertProduct(otherId, OTHER_GTIN, 'Nước mắm');
});
afterAll(async () => t?.close());

describe('ordering a batch', () => {
  it('issues N unguessable serials for the product, listed in sequence with their Digital Links', async () => {
    const batch = await order({ productId, quantity: 30 });
    expect(batch).toMatchObject({
      organisationId: ownerId,
      gtin: GTIN,
      lot: null,
      quantity: 30,
      layout: 'a4-21',
      state: 'issued',
      withVerificationCode: false,
      counts: { issued: 30, activated: 0, scanned: 0, void: 0 },
    });
    const stamps = await stampsOf(batch.id);
    expect(stamps.map((s) => s.sequence)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(new Set(stamps.map((s) => s.serial)).size).toBe(30);
    for (const s of stamps) {
      expect(isValidSerial(s.serial)).toBe(true);
      expect(s.uri).toBe(`https://truyxuat.hue.gov.vn/01/${GTIN}/21/${s.serial}`);
      const dl = parseDigitalLink(s.uri);
      expect(dl.elements).toEqual([
        { ai: '01', value: GTIN },
        { ai: '21', value: s.serial },
      ]);
      expect(s.state).toBe('issued');
    }
    const page = await t.app.inject({
      url: `/api/stamp-batches/${batch.id}/stamps?limit=5&offset=10`,
      headers: owner,
    });
    expect(page.json()).toMatchObject({ total: 30, limit: 5, offset: 10 });
    expect(page.json<{ items: Stamp[] }>().items.map((s) => s.sequence)).toEqual([11, 12, 13, 14, 15]);
  });

  it('refuses bad input with problem documents and writes nothing', async () => {
    const before = await t.db
      .selectFrom('stamp_batch')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const cases: [Record<string, unknown>, number][] = [
      [{ productId, quantity: 0 }, 400],
      [{ productId, quantity: 100_001 }, 400],
      [{ productId, quantity: 2.5 }, 400],
      [{ productId, quantity: 5, layout: 'a4-99' }, 400],
      [{ productId, quantity: 5, lot: 'lô có dấu' }, 400],
      [{ productId, quantity: 5, lot: 'L'.repeat(21) }, 400],
      [{ productId: randomUUID(), quantity: 5 }, 404],
      [{ productId: otherProductId, quantity: 5 }, 404],
    ];
    for (const [body, status] of cases) {
      const response = await post('/api/stamp-batches', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    const lot = await post(
      '/api/stamp-batches',
      { productId, quantity: 5, lot: 'lô có dấu' },
      { ...owner, 'accept-language': 'vi' },
    );
    expect(lot.json<{ errors: { field: string; message: string }[] }>().errors[0]).toMatchObject({
      field: 'lot',
      message: expect.stringContaining('Số lô'),
    });
    const after = await t.db
      .selectFrom('stamp_batch')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    await t.db.updateTable('product').set({ status: 'archived' }).where('id', '=', otherProductId).execute();
    const archived = await post('/api/stamp-batches', { productId: otherProductId, quantity: 5 }, other);
    expect(archived.statusCode).toBe(409);
    await t.db.updateTable('product').set({ status: 'active' }).where('id', '=', otherProductId).execute();
  });

  it('needs a signed-in caller with stamps:manage; an API key with it may order', async () => {
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/stamp-batches',
      payload: { productId, quantity: 1 },
    });
    expect(anonymous.statusCode).toBe(401);
    const queryOnly = await apiKeyFor(t, ownerId, ['epcis:query']);
    expect((await post('/api/stamp-batches', { productId, quantity: 1 }, queryOnly.headers)).statusCode).toBe(403);
    const stampsKey = await apiKeyFor(t, ownerId, ['stamps:manage']);
    expect((await post('/api/stamp-batches', { productId, quantity: 1 }, stampsKey.headers)).statusCode).toBe(201);
  });
});

describe('who sees a batch', () => {
  it('another organisation gets 404 everywhere; the province reads but neither changes nor prints', async () => {
    const batch = await order({ productId, quantity: 3, withVerificationCode: true });
    for (const url of [`/api/stamp-batches/${batch.id}`, `/api/stamp-batches/${batch.id}/stamps`]) {
      expect((await t.app.inject({ url, headers: other })).statusCode, url).toBe(404);
      expect((await t.app.inject({ url, headers: province })).statusCode, url).toBe(200);
    }
    // The printer files carry the scratch-off codes: only the owner gets them.
    for (const url of [`/api/stamp-batches/${batch.id}/labels.pdf`, `/api/stamp-batches/${batch.id}/stamps.csv`]) {
      expect((await t.app.inject({ url, headers: other })).statusCode, url).toBe(404);
      expect((await t.app.inject({ url, headers: province })).statusCode, url).toBe(403);
      expect((await t.app.inject({ url, headers: owner })).statusCode, url).toBe(200);
    }
    for (const action of ['activate', 'void']) {
      expect((await post(`/api/stamp-batches/${batch.id}/${action}`, { lot: 'L1' }, other)).statusCode).toBe(404);
      expect((await post(`/api/stamp-batches/${batch.id}/${action}`, { lot: 'L1' }, province)).statusCode).toBe(403);
      expect((await post(`/api/stamp-batches/${batch.id}/${action}`, { lot: 'L1' }, provinceAdmin)).statusCode).toBe(
        403,
      );
    }
    const list = await t.app.inject({ url: '/api/stamp-batches?limit=500', headers: other });
    expect(list.json<{ items: Batch[] }>().items.map((b) => b.organisationId)).not.toContain(ownerId);
    const all = await t.app.inject({ url: `/api/stamp-batches?productId=${productId}&limit=500`, headers: province });
    expect(all.json<{ items: Batch[] }>().items.map((b) => b.id)).toContain(batch.id);
    expect((await t.app.inject({ url: `/api/stamp-batches/${randomUUID()}`, headers: owner })).statusCode).toBe(404);
  });
});

describe('looking a stamp up by GTIN and serial', () => {
  it('answers the owner and the province with the stamp and its batch; anyone else, or an unknown serial, 404', async () => {
    const batch = await order({ productId, quantity: 4 });
    await post(`/api/stamp-batches/${batch.id}/activate`, { lot: 'MX-LOOKUP', from: 2, to: 3 });
    const stamp = (await stampsOf(batch.id))[2]!;
    const url = `/api/stamps?gtin=${GTIN}&serial=${stamp.serial}`;

    const mine = await t.app.inject({ url, headers: owner });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toMatchObject({
      id: stamp.id,
      batchId: batch.id,
      sequence: 3,
      serial: stamp.serial,
      gtin: GTIN,
      lot: 'MX-LOOKUP',
      state: 'activated',
      scanCount: 0,
      uri: `https://truyxuat.hue.gov.vn/01/${GTIN}/21/${stamp.serial}`,
      batch: { id: batch.id, productName: PRODUCT_NAME, quantity: 4, counts: { issued: 2, activated: 2 } },
    });
    // A GTIN-13 is the same product as its GTIN-14 with a leading zero.
    const short = await t.app.inject({
      url: `/api/stamps?gtin=${GTIN.slice(1)}&serial=${stamp.serial}`,
      headers: owner,
    });
    expect(short.json()).toMatchObject({ id: stamp.id });

    const province200 = await t.app.inject({ url, headers: province });
    expect(province200.statusCode, province200.body).toBe(200);
    expect(province200.json()).toMatchObject({ id: stamp.id, batchId: batch.id });

    const others = await t.app.inject({ url, headers: other });
    expect(others.statusCode).toBe(404);
    expect(others.headers['content-type']).toContain('application/problem+json');
    expect(others.body).not.toContain(stamp.serial);
    expect(others.body).not.toContain(batch.id);

    for (const serial of [stamp.serial.toLowerCase() === stamp.serial ? 'X' : stamp.serial.toLowerCase(), 'UNKNOWN1']) {
      const unknown = await t.app.inject({ url: `/api/stamps?gtin=${GTIN}&serial=${serial}`, headers: owner });
      expect(unknown.statusCode, serial).toBe(404);
      expect(unknown.headers['content-type']).toContain('application/problem+json');
    }
    // Another organisation's GTIN and serial answer the same 404 as an unknown one.
    const theirs = await order({ productId: otherProductId, quantity: 1 }, other);
    const theirStamp = (await stampsOf(theirs.id, other))[0]!;
    const hidden = await t.app.inject({
      url: `/api/stamps?gtin=${OTHER_GTIN}&serial=${theirStamp.serial}`,
      headers: owner,
    });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.body).not.toContain(theirStamp.serial);
  });

  it('refuses a GTIN with a wrong check digit or length, and an empty or missing serial, with 400', async () => {
    const badCheck = `${GTIN.slice(0, 13)}${(Number(GTIN[13]) + 1) % 10}`;
    for (const query of [
      `gtin=${badCheck}&serial=ABC`,
      'gtin=123&serial=ABC',
      'gtin=abc&serial=ABC',
      `gtin=${GTIN}&serial=`,
      `gtin=${GTIN}`,
      'serial=ABC',
    ]) {
      const response = await t.app.inject({ url: `/api/stamps?${query}`, headers: owner });
      expect(response.statusCode, query).toBe(400);
      expect(response.headers['content-type'], query).toContain('application/problem+json');
    }
    // The field's message is in the caller's language.
    const vietnamese = await t.app.inject({
      url: `/api/stamps?gtin=${badCheck}&serial=ABC`,
      headers: { ...owner, 'accept-language': 'vi' },
    });
    expect(vietnamese.json().errors[0]).toMatchObject({ field: 'gtin', messageKey: 'labels.error.lookupGtin' });
    expect(vietnamese.json().errors[0].message).toMatch(/GTIN không hợp lệ/);
    const anonymous = await t.app.inject({ url: `/api/stamps?gtin=${GTIN}&serial=ABC` });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('activation and voiding by ranges', () => {
  it('moves stamps issued → activated → scanned, or void, and names the ranges that block a change', async () => {
    const batch = await order({ productId, quantity: 20 });
    const url = `/api/stamp-batches/${batch.id}`;

    const first = await post(`${url}/activate`, { lot: 'MX-260618', from: 1, to: 5 });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      activated: 5,
      batch: { state: 'partly_activated', counts: { issued: 15, activated: 5 } },
    });

    const otherLot = await post(`${url}/activate`, { lot: 'MX-260619', from: 3, to: 8 });
    expect(otherLot.statusCode).toBe(409);
    expect(otherLot.json()).toMatchObject({
      code: 'conflict',
      conflictingRanges: [{ from: 3, to: 5 }],
      lots: ['MX-260618'],
    });
    expect(otherLot.json<{ detail: string }>().detail).toContain('3–5');

    expect((await post(`${url}/void`, { from: 9, to: 10 })).json()).toMatchObject({ voided: 2 });
    expect((await post(`${url}/void`, { from: 14, to: 14 })).json()).toMatchObject({ voided: 1 });
    const blocked = await post(`${url}/activate`, { lot: 'MX-260618' }, { ...owner, 'accept-language': 'vi' });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json()).toMatchObject({
      conflictingRanges: [
        { from: 9, to: 10 },
        { from: 14, to: 14 },
      ],
    });
    expect(blocked.json<{ errors: { field: string; message: string }[] }>().errors).toEqual([
      {
        field: 'stamps/9-10',
        message: 'Các tem này đã bị hủy, không thể kích hoạt.',
        messageKey: 'labels.error.voidInRange',
      },
      {
        field: 'stamps/14-14',
        message: 'Các tem này đã bị hủy, không thể kích hoạt.',
        messageKey: 'labels.error.voidInRange',
      },
    ]);
    expect(blocked.json<{ detail: string }>().detail).toBe('The range contains void stamps: 9–10, 14');
    // The refused activation changed nothing.
    expect((await t.app.inject({ url, headers: owner })).json()).toMatchObject({ counts: { activated: 5, void: 3 } });

    const again = await post(`${url}/activate`, { lot: 'MX-260618', from: 1, to: 8 });
    expect(again.json()).toMatchObject({ activated: 3 });
    expect((await post(`${url}/activate`, { lot: 'MX-260618', from: 11, to: 13 })).json()).toMatchObject({
      activated: 3,
    });
    expect((await post(`${url}/activate`, { lot: 'MX-260618', from: 15, to: 20 })).json()).toMatchObject({
      activated: 6,
      batch: { state: 'activated', counts: { issued: 0, activated: 17, void: 3 } },
    });

    for (const range of [
      { from: 0, to: 3 },
      { from: 5, to: 21 },
      { from: 6, to: 5 },
    ])
      expect((await post(`${url}/activate`, { lot: 'MX-260618', ...range })).statusCode, JSON.stringify(range)).toBe(
        400,
      );
    expect((await post(`${url}/activate`, {})).statusCode).toBe(400);
    expect((await post(`${url}/activate`, { lot: 'có dấu' })).statusCode).toBe(400);

    const stamps = await stampsOf(batch.id);
    const s1 = stamps[0]!;
    expect(s1).toMatchObject({ state: 'activated', lot: 'MX-260618' });
    const record = await findStamp(t.db, GTIN, s1.serial);
    await recordStampScans(t.db, [{ stampId: record!.id, at: new Date() }]);
    expect((await t.app.inject({ url, headers: owner })).json()).toMatchObject({
      counts: { activated: 16, scanned: 1 },
    });
    expect(
      (await t.app.inject({ url: `${url}/stamps?state=void`, headers: owner }))
        .json<{ items: Stamp[] }>()
        .items.map((s) => s.sequence),
    ).toEqual([9, 10, 14]);

    // Activation is recorded in EPCIS: a commissioning event per activation, the serials with the lot in ILMD.
    const epcs = await t.db
      .selectFrom('epcis_event_epc')
      .innerJoin('epcis_event', 'epcis_event.id', 'epcis_event_epc.event_row')
      .select(['epcis_event_epc.serial', 'epcis_event.biz_step', 'epcis_event.action'])
      .where('epcis_event_epc.gtin', '=', GTIN)
      .where(
        'epcis_event_epc.serial',
        'in',
        stamps.map((s) => s.serial),
      )
      .execute();
    expect(epcs).toHaveLength(17);
    expect(new Set(epcs.map((e) => `${e.action} ${e.biz_step}`))).toEqual(new Set(['ADD commissioning']));

    // Voiding the whole batch voids everything left; a void batch cannot be activated.
    expect((await post(`${url}/void`, {})).json()).toMatchObject({ voided: 17, batch: { state: 'void' } });
    expect((await post(`${url}/activate`, { lot: 'MX-260618', from: 1, to: 1 })).statusCode).toBe(409);
  });

  it('keeps a batch ordered for a lot to that lot', async () => {
    const batch = await order({ productId, quantity: 4, lot: 'MX-260620' });
    expect((await post(`/api/stamp-batches/${batch.id}/activate`, { lot: 'MX-260621' })).statusCode).toBe(400);
    const response = await post(`/api/stamp-batches/${batch.id}/activate`, {});
    expect(response.json()).toMatchObject({ activated: 4, batch: { state: 'activated', lot: 'MX-260620' } });
  });
});

describe('printer files', () => {
  it('CSV: one line per stamp that is not void, Digital Link and element string, formula-safe, codes when asked', async () => {
    const batch = await order({ productId, quantity: 6, lot: '=1+2', withVerificationCode: true });
    await post(`/api/stamp-batches/${batch.id}/void`, { from: 2, to: 2 });
    await post(`/api/stamp-batches/${batch.id}/activate`, {});
    const stamps = await stampsOf(batch.id);
    const response = await t.app.inject({ url: `/api/stamp-batches/${batch.id}/stamps.csv`, headers: owner });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    const lines = response.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('sequence,serial,digital_link,element_string,lot,verification_code');
    expect(lines).toHaveLength(6);
    const live = stamps.filter((s) => s.state !== 'void');
    for (const [i, s] of live.entries()) {
      const [sequence, serial, uri, elements, lot, code] = lines[i + 1]!.split(',');
      expect(Number(sequence)).toBe(s.sequence);
      expect(serial).toBe(s.serial);
      expect(uri).toBe(s.uri);
      expect(elements).toBe(`(01)${GTIN}(21)${s.serial}`);
      expect(lot).toBe("'=1+2");
      expect(code).toMatch(/^\d{8}$/);
      expect(await checkVerificationCode(t.db, s.id, code!)).toBe(true);
      expect(await checkVerificationCode(t.db, s.id, String((Number(code) + 1) % 1e8).padStart(8, '0'))).toBe(false);
    }
    // The same codes on a second download; none of them is stored.
    const again = await t.app.inject({ url: `/api/stamp-batches/${batch.id}/stamps.csv`, headers: owner });
    expect(again.body).toBe(response.body);
    const hashes = await t.db
      .selectFrom('stamp')
      .select('verification_code_hash')
      .where('batch_id', '=', batch.id)
      .execute();
    for (const line of lines.slice(1)) {
      const code = line.split(',')[5]!;
      for (const h of hashes) expect(h.verification_code_hash).not.toContain(code);
    }
    const range = await t.app.inject({ url: `/api/stamp-batches/${batch.id}/stamps.csv?from=4&to=5`, headers: owner });
    expect(
      range.body
        .trimEnd()
        .split('\r\n')
        .slice(1)
        .map((l) => Number(l.split(',')[0])),
    ).toEqual([4, 5]);
  });

  describe.each(Object.values(LABEL_LAYOUTS))('PDF label sheet $id', (layout) => {
    it('prints a full page whose QR codes a real scanner decodes to the stamps’ Digital Links', async () => {
      const perSheet = labelsPerSheet(layout);
      const batch = await order({ productId, quantity: perSheet + 2, layout: layout.id, withVerificationCode: true });
      await post(`/api/stamp-batches/${batch.id}/activate`, { lot: 'MX-260618', from: 1, to: 4 });
      const stamps = await stampsOf(batch.id);
      const response = await t.app.inject({ url: `/api/stamp-batches/${batch.id}/labels.pdf`, headers: owner });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toBe('application/pdf');
      const dir = await mkdtemp(path.join(tmpdir(), 'labels-'));
      try {
        const file = path.join(dir, 'labels.pdf');
        await writeFile(file, response.rawPayload);
        const info = await run('pdfinfo', [file]);
        expect(info.stdout).toMatch(/Pages:\s+2\n/);
        const decoded = await decodeLabels(file, layout, dir);
        expect(decoded).toEqual(stamps.slice(0, perSheet).map((s) => s.uri));
        const text = (await run('pdftotext', ['-f', '1', '-l', '1', file, '-'])).stdout;
        expect(text).toContain('Mè xửng');
        expect(text).toContain(`(01) ${GTIN}`);
        expect(text).toContain(`(21) ${stamps[0]!.serial}`);
        expect(text).toContain('(10) MX-260618');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  it('prints only what is asked: another layout, a range, never void stamps; refuses an unknown layout', async () => {
    const batch = await order({ productId, quantity: 10 });
    await post(`/api/stamp-batches/${batch.id}/void`, { from: 3, to: 4 });
    const stamps = await stampsOf(batch.id);
    const response = await t.app.inject({
      url: `/api/stamp-batches/${batch.id}/labels.pdf?layout=a4-65&from=2&to=6&lang=en`,
      headers: owner,
    });
    expect(response.statusCode).toBe(200);
    const dir = await mkdtemp(path.join(tmpdir(), 'labels-'));
    try {
      const file = path.join(dir, 'labels.pdf');
      await writeFile(file, response.rawPayload);
      const text = (await run('pdftotext', [file, '-'])).stdout;
      for (const s of stamps) expect(text.includes(s.serial), `${s.sequence}`).toBe([2, 5, 6].includes(s.sequence));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const bad = await t.app.inject({ url: `/api/stamp-batches/${batch.id}/labels.pdf?layout=letter`, headers: owner });
    expect(bad.statusCode).toBe(400);
  });
});
