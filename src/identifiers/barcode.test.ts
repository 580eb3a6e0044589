import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BarcodeSymbology, renderBarcode } from './barcode.ts';
import { Gs1Error } from './errors.ts';

const hasTool = (tool: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
// Decoder binaries come from Debian (zbar-tools, dmtx-utils); CI installs them, so only a developer machine may skip.
const zbar = hasTool('zbarimg') || process.env.CI !== undefined;
const dmtx = hasTool('dmtxread') || process.env.CI !== undefined;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truyxuat-barcode-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function png(input: string, symbology: BarcodeSymbology): Promise<{ file: string; payload: string }> {
  const r = await renderBarcode(input, { symbology, format: 'png' });
  const file = path.join(dir, `${symbology}-${Math.random().toString(36).slice(2)}.png`);
  fs.writeFileSync(file, r.data);
  return { file, payload: r.payload };
}
const zbarimg = (file: string) =>
  execFileSync('zbarimg', ['--raw', '-q', file], { encoding: 'latin1', stdio: ['ignore', 'pipe', 'ignore'] }).replace(
    /\n$/,
    '',
  );
const dmtxread = (file: string) =>
  execFileSync('dmtxread', ['-G', '29', file], { encoding: 'latin1', stdio: ['ignore', 'pipe', 'ignore'] });

const DL = 'https://truyxuat.example.vn/hue/01/08931234560003/10/LO%2F26/21/A-1?17=270630&linkType=gs1%3Apip';

describe.skipIf(!zbar)('barcodes decode back to the input (zbarimg)', () => {
  it('GS1 Digital Link QR carries the URI exactly', async () => {
    const { file } = await png(DL, 'qr');
    expect(zbarimg(file)).toBe(DL);
  });

  it('a QR built from element strings carries the canonical Digital Link', async () => {
    const { file, payload } = await png('(01)08931234560003(10)LO26(17)270630', 'qr');
    expect(payload).toBe('https://id.gs1.org/01/08931234560003/10/LO26?17=270630');
    expect(zbarimg(file)).toBe(payload);
  });

  it('GS1-128 decodes to the element strings with GS after variable-length AIs', async () => {
    const { file, payload } = await png('(01)08931234560003(10)LO26(17)270630(21)A-1', 'gs1-128');
    expect(payload).toBe('010893123456000310LO26\x1d1727063021A-1');
    expect(zbarimg(file)).toBe(payload);
  });

  it('EAN-13 and UPC-A decode to the GTIN digits', async () => {
    const ean = await png('8931234560003', 'ean13');
    expect(zbarimg(ean.file)).toBe('8931234560003');
    const upc = await png('https://id.gs1.org/01/00614141123452', 'upca');
    expect(zbarimg(upc.file)).toBe('0614141123452');
  });
});

describe.skipIf(!dmtx)('GS1 DataMatrix decodes back to the input (dmtxread)', () => {
  it('carries FNC1 first and GS separators', async () => {
    const { file, payload } = await png(DL, 'datamatrix');
    expect(payload).toBe('010893123456000310LO/26\x1d21A-1\x1d17270630');
    expect(dmtxread(file)).toBe(`\x1d${payload}`);
  });
});

describe('renderBarcode', () => {
  it('draws SVG on white with a physical size for print', async () => {
    const r = await renderBarcode(DL, { symbology: 'qr', format: 'svg', dpi: 600, moduleMm: 0.4 });
    expect(r.mimeType).toBe('image/svg+xml');
    expect(r.scale).toBe(9);
    const svg = r.data as string;
    expect(svg).toMatch(/^<svg width="[\d.]+mm" height="[\d.]+mm" viewBox="0 0 \d+ \d+"/);
    expect(svg).toContain('fill="#FFFFFF"');
  });

  it('writes PNG bytes with the print resolution in pHYs', async () => {
    const r = await renderBarcode('(01)08931234560003(17)270630', { symbology: 'datamatrix', format: 'png', dpi: 600 });
    const png = r.data as Buffer;
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const at = png.indexOf('pHYs');
    expect(at).toBeGreaterThan(0);
    expect([png.readUInt32BE(at + 4), png.readUInt32BE(at + 8), png[at + 12]]).toEqual([23622, 23622, 1]);
    expect(r.scale).toBe(12); // 0.5 mm modules at 600 dpi
  });

  it('refuses invalid GS1 data and GTINs that do not fit the symbol', async () => {
    await expect(renderBarcode('(01)08931234560002', { symbology: 'gs1-128', format: 'svg' })).rejects.toThrow(
      Gs1Error,
    );
    await expect(renderBarcode('18931234560000', { symbology: 'ean13', format: 'svg' })).rejects.toMatchObject({
      code: 'invalid_value',
      ai: '01',
    });
  });
});
