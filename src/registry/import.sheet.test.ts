import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { SheetError, csvLine, readSheet, safeCell, zipInflatedSize } from './import.sheet.ts';

describe('import sheets', () => {
  it('neutralises formula injection in exported cells', () => {
    expect(safeCell('=HYPERLINK("http://evil","x")')).toBe('\'=HYPERLINK("http://evil","x")');
    for (const c of ['+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) expect(safeCell(c).startsWith("'")).toBe(true);
    expect(safeCell('Mè xửng')).toBe('Mè xửng');
    expect(csvLine(['a,b', '=1+1', 'say "hi"'])).toBe('"a,b",\'=1+1,"say ""hi"""');
  });

  it('reads CSV with a BOM and semicolons, and XLSX with numbers kept as full digits and formulas flagged', async () => {
    const csv = await readSheet(Buffer.from('\uFEFFgtin;name\n8939990000023;Mè xửng\n\n', 'utf8'));
    expect(csv.format).toBe('csv');
    expect(csv.header).toEqual(['gtin', 'name']);
    expect(csv.rows).toEqual([
      {
        rowNumber: 2,
        cells: [
          { kind: 'text', text: '8939990000023' },
          { kind: 'text', text: 'Mè xửng' },
        ],
      },
    ]);

    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('products');
    sheet.addRow(['gtin', 'name', 'netContent']);
    sheet.addRow([8939990000023, 'Tôm chua', 0.5]);
    sheet.addRow(['8939990000030', { formula: 'A2&"x"', result: 'x' }, null]);
    const data = Buffer.from(await workbook.xlsx.writeBuffer());
    const xlsx = await readSheet(data);
    expect(xlsx.format).toBe('xlsx');
    expect(xlsx.rows[0]!.cells).toEqual([
      { kind: 'text', text: '8939990000023' },
      { kind: 'text', text: 'Tôm chua' },
      { kind: 'text', text: '0.5' },
    ]);
    expect(xlsx.rows[1]!.cells[1]).toEqual({ kind: 'formula' });
    expect(zipInflatedSize(data)).toBeGreaterThan(data.length);
  });

  it('bounds the number of rows and refuses binary files', async () => {
    const lines = ['gtin,name', ...Array.from({ length: 11 }, (_, i) => `${i},x`)].join('\n');
    await expect(readSheet(Buffer.from(lines), 10)).rejects.toMatchObject({ problem: { kind: 'rows', max: 10 } });
    await expect(readSheet(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]))).rejects.toBeInstanceOf(SheetError);
    await expect(readSheet(Buffer.from('gtin,name\n'))).rejects.toMatchObject({ problem: { kind: 'empty' } });
  });
});
