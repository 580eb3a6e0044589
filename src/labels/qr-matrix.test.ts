import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { isDark, qrMatrix, qrPathOperators } from './qr-matrix.ts';

const URI = 'https://truyxuat.hue.gov.vn/01/08938505974019/21/ABCDEFGHJKMN0P';

describe('QR module matrices', () => {
  it('keep every dark module of the encoder’s symbol, and only those, as horizontal runs', () => {
    const matrix = qrMatrix(URI);
    const reference = QRCode.create([{ data: Buffer.from(URI), mode: 'byte' }], { errorCorrectionLevel: 'M' }).modules;
    expect(matrix.size).toBe(reference.size);
    for (let r = 0; r < matrix.size; r++)
      for (let c = 0; c < matrix.size; c++) expect(isDark(matrix, r, c)).toBe(reference.get(r, c) === 1);
    for (const [, column, length] of matrix.runs) {
      expect(length).toBeGreaterThan(0);
      expect(column + length).toBeLessThanOrEqual(matrix.size);
    }
  });

  it('take the mask the encoder itself would choose, for every symbol size from version 1 to 10', () => {
    for (let length = 1; length <= 270; length += 7) {
      const text = `https://truyxuat.hue.gov.vn/01/08938505974019/21/${'AB3xZ9-_'.repeat(40)}`.slice(0, length);
      const reference = QRCode.create([{ data: Buffer.from(text), mode: 'byte' }], { errorCorrectionLevel: 'M' });
      const matrix = qrMatrix(text);
      expect(matrix.size, text).toBe(reference.modules.size);
      const dark: number[] = [];
      for (let r = 0; r < matrix.size; r++)
        for (let c = 0; c < matrix.size; c++) if (isDark(matrix, r, c)) dark.push(r * matrix.size + c);
      const expected: number[] = [];
      reference.modules.data.forEach((v, i) => v && expected.push(i));
      expect(dark, `${text} (mask ${reference.maskPattern})`).toEqual(expected);
    }
  });

  it('grow with the data at error correction level M (version 5 for a 64-character Digital Link)', () => {
    expect(qrMatrix(URI).size).toBe(37);
    expect(qrMatrix(URI.slice(0, 62)).size).toBe(33);
    expect(qrMatrix('x'.repeat(200)).size).toBeGreaterThan(37);
  });

  it('become one filled path of rectangles placed and scaled by a cm operator', () => {
    const matrix = qrMatrix(URI);
    const ops = qrPathOperators(matrix, 10.5, 20.25, 1.25).split('\n');
    expect(ops[0]).toBe('q 1.25 0 0 1.25 10.5 20.25 cm');
    expect(ops.at(-1)).toBe('f Q');
    expect(ops.filter((o) => o.endsWith(' re'))).toHaveLength(matrix.runs.length);
    // The finder pattern's top row: a run of 7 dark modules from column 0.
    expect(ops[1]).toBe('0 0 7 1 re');
  });
});
