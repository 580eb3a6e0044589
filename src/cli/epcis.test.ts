import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');
const conformance = path.resolve(repoRoot, '../shared/conformance');
const examples = path.join(conformance, 'epcis-event-hash-vectors/examples');

async function truyxuat(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(repoRoot, 'bin/truyxuat.js'), ...args], {
      cwd: repoRoot,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('truyxuat epcis', { timeout: 60_000 }, () => {
  it.each(['epcisDocWithVariousEventTypes.xml', 'epcisDocWithVariousEventTypes.jsonld'])(
    'hash prints one hash per event, equal to the reference (%s)',
    async (file) => {
      const out = await truyxuat('epcis', 'hash', path.join(examples, file));
      expect(out.code).toBe(0);
      expect(out.stdout).toBe(
        readFileSync(path.join(examples, 'epcisDocWithVariousEventTypes.hashes'), 'utf8').trim() + '\n',
      );
    },
  );

  it('validate exits 1 and names the event and field of each finding', async () => {
    const file = path.join(
      conformance,
      'openepcis-test-resources/2.0/EPCIS/JSON/Capture/Invalid/ObjectEvent_with_non_standard_bizStep_in_second_event.json',
    );
    const out = await truyxuat('epcis', 'validate', file);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/event 1: bizStep: .*semantic/);
  });

  it('hash also takes a bare event, in XML or JSON-LD', async () => {
    const events = path.join(conformance, 'openepcis-test-resources/2.0/EPCIS');
    const xml = await truyxuat('epcis', 'hash', path.join(events, 'XML/Capture/Events/ObjectEvent.xml'));
    const json = await truyxuat('epcis', 'hash', path.join(events, 'JSON/Capture/Events/ObjectEvent.json'));
    expect(xml.code).toBe(0);
    expect(xml.stdout).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0\n$/);
    expect(json.stdout).toBe(xml.stdout);
  });

  it('validate exits 0 for a valid document', async () => {
    const out = await truyxuat(
      'epcis',
      'validate',
      path.join(conformance, 'gs1-epcis/JSON/Example_9.6.1-ObjectEvent.jsonld'),
    );
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^valid: \d+ events/);
  });

  it('convert writes XML and JSON-LD that hash like the original', async () => {
    const source = path.join(examples, 'ReferenceEventHashAlgorithm.jsonld');
    const xml = await truyxuat('epcis', 'convert', source, '--to', 'xml');
    expect(xml.code).toBe(0);
    expect(xml.stdout).toMatch(/^<\?xml/);
    const dir = mkdtempSync(path.join(tmpdir(), 'epcis-cli-'));
    writeFileSync(path.join(dir, 'converted.xml'), xml.stdout);
    const back = await truyxuat('epcis', 'convert', path.join(dir, 'converted.xml'), '--to', 'jsonld');
    writeFileSync(path.join(dir, 'back.jsonld'), back.stdout);
    const hash = await truyxuat('epcis', 'hash', path.join(dir, 'back.jsonld'));
    expect(hash.stdout.trim()).toBe(
      readFileSync(path.join(examples, 'ReferenceEventHashAlgorithm.hashes'), 'utf8').trim(),
    );
  });
});
