import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(repoRoot, 'bin/truyxuat.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truyxuat-gs1-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const truyxuat = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: repoRoot });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failed = e as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

describe('truyxuat gs1', () => {
  it('parse prints key, qualifiers, attributes, canonical Digital Link and element strings', async () => {
    const r = await truyxuat('gs1', 'parse', 'https://truyxuat.example.vn/01/08931234560003/10/LO26/21/7?17=270600');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      kind: 'digital-link',
      primaryKey: { ai: '01', value: '08931234560003' },
      qualifiers: [
        { ai: '10', value: 'LO26' },
        { ai: '21', value: '7' },
      ],
      attributes: [{ ai: '17', value: '270600' }],
      canonicalDigitalLink: 'https://id.gs1.org/01/08931234560003/10/LO26/21/7?17=270600',
      elementString: '(01)08931234560003(10)LO26(21)7(17)270600',
      rawElementString: '010893123456000310LO26\x1d217\x1d17270600',
    });
  });

  it('parse accepts raw scanner data with a symbology identifier, and a bare GLN', async () => {
    const raw = await truyxuat('gs1', 'parse', ']C1010893123456000310LO26\x1d17270630');
    expect(JSON.parse(raw.stdout)).toMatchObject({
      kind: 'element-string',
      elementString: '(01)08931234560003(10)LO26(17)270630',
    });
    const gln = await truyxuat('gs1', 'parse', '--gln', '8931234000011');
    expect(JSON.parse(gln.stdout)).toMatchObject({
      kind: 'gln',
      canonicalDigitalLink: 'https://id.gs1.org/414/8931234000011',
    });
  });

  it('parse names the offending AI and exits 1', async () => {
    const r = await truyxuat('gs1', 'parse', '(01)08931234560003(17)271332');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('AI (17)');
    expect(r.stderr).toContain('month must be 01-12');
  });

  it('check-digit computes the GS1 check digit', async () => {
    const r = await truyxuat('gs1', 'check-digit', '893123456000');
    expect(JSON.parse(r.stdout)).toMatchObject({ checkDigit: 3, withCheckDigit: '8931234560003' });
  });

  it('barcode writes an SVG and a PNG file', async () => {
    const svg = path.join(dir, 'qr.svg');
    const a = await truyxuat(
      'gs1',
      'barcode',
      'https://id.gs1.org/01/08931234560003',
      '--symbology',
      'qr',
      '--format',
      'svg',
      '-o',
      svg,
    );
    expect(a.code).toBe(0);
    expect(fs.readFileSync(svg, 'utf8')).toMatch(/^<svg width="[\d.]+mm"/);
    const png = path.join(dir, 'dm.png');
    const b = await truyxuat(
      'gs1',
      'barcode',
      '(01)08931234560003(10)LO26',
      '--symbology',
      'datamatrix',
      '--format',
      'png',
      '-o',
      png,
    );
    expect(b.code).toBe(0);
    expect(fs.readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    expect(JSON.parse(b.stdout)).toMatchObject({ payload: '010893123456000310LO26' });
  });
});
