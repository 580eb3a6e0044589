import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, makeOrganisation, startTestApp, type TestApp } from './helpers/app.ts';
import { CONFORMANCE, queryEvents } from './helpers/epcis.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../bin/truyxuat.js');

let t: TestApp;
let stopWorker: () => Promise<void>;
let url: string;
let key: string;
let headers: Record<string, string>;

beforeAll(async () => {
  t = await startTestApp();
  const { JOB_HANDLERS } = await import('../src/jobs/handlers.ts');
  const { startWorker } = await import('../src/jobs/job.service.ts');
  const worker = startWorker(t.db, { handlers: JOB_HANDLERS, idleMs: 50 });
  stopWorker = () => worker.stop();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  const org = await makeOrganisation(t.db);
  const created = await apiKeyFor(t, org, ['epcis:capture', 'epcis:query']);
  headers = created.headers;
  key = created.headers.authorization!.slice('Bearer '.length);
});
afterAll(async () => {
  await stopWorker?.();
  await t?.close();
});

describe('truyxuat epcis capture', () => {
  it('captures a document through the API and reports the job', async () => {
    const file = path.join(CONFORMANCE, 'gs1-epcis/JSON/Example_9.6.1-ObjectEvent.jsonld');
    const { stdout } = await run(process.execPath, [BIN, 'epcis', 'capture', file, '--url', url, '--key', key]);
    expect(stdout).toMatch(/^captured: \d+ stored, 0 already stored/);
    const again = await run(process.execPath, [BIN, 'epcis', 'capture', file, '--url', url, '--key', key]);
    expect(again.stdout).toMatch(/^captured: 0 stored, \d+ already stored/);
    expect((await queryEvents(t, headers, {})).events.length).toBeGreaterThan(0);
  });

  it('exits 1 with the findings for an invalid document', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tx-'));
    const file = path.join(dir, 'bad.jsonld');
    fs.writeFileSync(
      file,
      JSON.stringify({
        type: 'EPCISDocument',
        schemaVersion: '2.0',
        creationDate: '2026-01-01T00:00:00Z',
        epcisBody: { eventList: [] },
      }),
    );
    const failure = await run(process.execPath, [BIN, 'epcis', 'capture', file, '--url', url, '--key', key]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((failure as { code: number }).code).toBe(1);
    expect((failure as { stderr: string }).stderr).toContain('capture refused (400)');
  });

  it('exits 1 with a clear message for a wrong key', async () => {
    const file = path.join(CONFORMANCE, 'gs1-epcis/JSON/Example_9.6.1-ObjectEvent.jsonld');
    const failure = await run(process.execPath, [
      BIN,
      'epcis',
      'capture',
      file,
      '--url',
      url,
      '--key',
      'tx_wrong',
    ]).catch((e: { code: number; stderr: string }) => e);
    expect((failure as { code: number }).code).toBe(1);
    expect((failure as { stderr: string }).stderr).toContain('(401)');
  });
});
