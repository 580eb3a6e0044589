import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSheet, SheetError } from './import.sheet.ts';

/**
 * The import reader fed arbitrary input: CSV text of any bytes, XLSX workbooks with cells of every kind (text,
 * huge and odd numbers, formulas, dates, rich text, errors), and valid workbooks with random bytes changed. It
 * never throws anything but SheetError (which the import route turns into a 400 problem), and a well-formed sheet
 * reads back cell for cell, formulas flagged instead of evaluated. FUZZ_RUNS raises the number of cases.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 0) || undefined;
const runs = (ci: number) => ({ numRuns: RUNS ?? ci });
const TIMEOUT = RUNS ? 3_600_000 : undefined;

async function onlySheetErrors(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof SheetError)) throw e;
  }
}

const csvText = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.string({ unit: fc.constantFrom(...'gtin,name;"\r\n\t=+-@ \uFEFFAé0'), maxLength: 200 }),
  fc
    .array(fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 })
    .map((rows) => rows.map((r) => r.join(',')).join('\n')),
);

type CellInput =
  | { kind: 'text'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'formula'; value: string }
  | { kind: 'date'; value: Date }
  | { kind: 'rich'; value: string[] }
  | { kind: 'bool'; value: boolean };

const cell: fc.Arbitrary<CellInput> = fc.oneof(
  fc.string({ minLength: 1, maxLength: 60 }).map((value) => ({ kind: 'text' as const, value })),
  fc
    .oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(1e21, -0, 8936000190019, 2 ** 53 + 2))
    .map((value) => ({ kind: 'number' as const, value })),
  fc.constantFrom('SUM(1,2)', 'HYPERLINK("https://evil.example","x")', "cmd|' /C calc'!A0").map((value) => ({
    kind: 'formula' as const,
    value,
  })),
  fc
    .integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2090, 0, 1) })
    .map((ms) => ({ kind: 'date' as const, value: new Date(Math.floor(ms / 86_400_000) * 86_400_000) })),
  fc
    .array(fc.string({ maxLength: 10 }), { minLength: 1, maxLength: 3 })
    .map((value) => ({ kind: 'rich' as const, value })),
  fc.boolean().map((value) => ({ kind: 'bool' as const, value })),
);

async function workbook(rows: readonly (readonly CellInput[])[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('data');
  ws.addRow(['gtin', 'name', 'group', 'note']);
  rows.forEach((cells, r) => {
    cells.forEach((c, col) => {
      const target = ws.getCell(r + 2, col + 1);
      if (c.kind === 'formula') target.value = { formula: c.value };
      else if (c.kind === 'rich') target.value = { richText: c.value.map((text) => ({ text })) };
      else target.value = c.value;
    });
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

let seedXlsx: Buffer;
beforeAll(async () => {
  seedXlsx = await workbook([
    [
      { kind: 'text', value: '08936000190019' },
      { kind: 'text', value: 'Mè xửng' },
    ],
  ]);
});

describe('import sheets: arbitrary cells never crash the reader', () => {
  it(
    'CSV of arbitrary text',
    () =>
      fc.assert(
        fc.asyncProperty(csvText, async (text) => onlySheetErrors(() => readSheet(Buffer.from(text, 'utf8')))),
        runs(2_000),
      ),
    TIMEOUT,
  );

  it(
    'CSV of arbitrary bytes',
    () =>
      fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) =>
          onlySheetErrors(() => readSheet(Buffer.from(bytes))),
        ),
        runs(2_000),
      ),
    TIMEOUT,
  );

  it(
    'XLSX with cells of every kind reads back cell for cell; formulas are flagged, never evaluated',
    () =>
      fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
          async (rows) => {
            let sheet;
            try {
              sheet = await readSheet(await workbook(rows));
            } catch (e) {
              // Rows of blank text only make an empty sheet (refused as such); never rows with data or formulas.
              if (!(e instanceof SheetError) || e.problem.kind !== 'empty') throw e;
              expect(
                rows
                  .flat()
                  .every(
                    (c) =>
                      (c.kind === 'text' || c.kind === 'rich') &&
                      (c.kind === 'rich' ? c.value.join('') : c.value).trim() === '',
                  ),
              ).toBe(true);
              return;
            }
            expect(sheet.header).toEqual(['gtin', 'name', 'group', 'note']);
            const read = new Map(sheet.rows.map((r) => [r.rowNumber, r.cells]));
            rows.forEach((cells, r) =>
              cells.forEach((c, col) => {
                const got = read.get(r + 2)?.[col];
                if (c.kind === 'formula') expect(got).toEqual({ kind: 'formula' });
                else if (c.kind === 'text' && c.value.trim() !== '')
                  expect(got).toEqual({ kind: 'text', text: c.value });
                else if (c.kind === 'number' && got?.kind === 'text')
                  expect(Number(got.text)).toBe(c.value === 0 ? 0 : c.value);
              }),
            );
          },
        ),
        runs(50),
      ),
    TIMEOUT,
  );

  it(
    'XLSX with random bytes changed',
    () =>
      fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
          async (edits) => {
            const bytes = Buffer.from(seedXlsx);
            for (const [at, value] of edits) bytes[at % bytes.length] = value;
            await onlySheetErrors(() => readSheet(bytes));
          },
        ),
        runs(300),
      ),
    TIMEOUT,
  );
});
