import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, makeOrganisation, startTestApp, type TestApp } from './helpers/app.ts';
import { capture } from './helpers/epcis.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../bin/truyxuat.js');
const LOT_IN = 'https://id.gs1.org/01/08935001000013/10/CLI1';
const LOT_OUT = 'https://id.gs1.org/01/08935001000020/10/CLI2';

let t: TestApp;
let url: string;
let key: string;

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  const org = await makeOrganisation(t.db);
  const created = await apiKeyFor(t, org, ['epcis:capture', 'epcis:query']);
  key = created.headers.authorization!.slice('Bearer '.length);
  const body = JSON.stringify({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-05-01T00:00:00Z',
    epcisBody: {
      eventList: [
        {
          type: 'TransformationEvent',
          eventTime: '2026-05-01T08:00:00+07:00',
          eventTimeZoneOffset: '+07:00',
          inputQuantityList: [{ epcClass: LOT_IN, quantity: 10, uom: 'KGM' }],
          outputQuantityList: [{ epcClass: LOT_OUT, quantity: 7, uom: 'KGM' }],
        },
      ],
    },
  });
  expect((await capture(t, created.headers, body)).job).toMatchObject({ success: true });
});
afterAll(async () => t?.close());

describe('truyxuat trace', () => {
  it('prints the backward trace of an element string as JSON', async () => {
    const { stdout } = await run(process.execPath, [
      BIN,
      'trace',
      'back',
      '(01)08935001000020(10)CLI2',
      '--url',
      url,
      '--key',
      key,
    ]);
    const result = JSON.parse(stdout) as { root: string; lots: string[]; eventCount: number };
    expect(result.root).toBe(LOT_OUT);
    expect(result.lots.sort()).toEqual([LOT_IN, LOT_OUT].sort());
    expect(result.eventCount).toBe(1);
  });

  it('reads the local database when no server is given, and exits 1 on a malformed identifier', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truyxuat-trace-'));
    const env = { ...process.env, TRUYXUAT_DATA: dataDir, DATABASE_URL: '' };
    const missing = await run(process.execPath, [BIN, 'trace', 'forward', LOT_IN], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(missing).toMatchObject({ code: 1 });
    expect((missing as { stderr: string }).stderr).toMatch(/No event/);
    const bad = await run(process.execPath, [
      BIN,
      'trace',
      'back',
      '(01)12345678901234',
      '--url',
      url,
      '--key',
      key,
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 1 });
    expect((bad as { stderr: string }).stderr).toMatch(/check digit|identifier/i);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
