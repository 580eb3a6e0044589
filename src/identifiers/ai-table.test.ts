import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { aiMatchesPattern, aiTable, lookupAi } from './ai-table.ts';
import { LINTERS } from './linters.ts';
import { parseSyntaxDictionary, renderAiTableModule } from './syntax-dictionary.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const dictionaryFile = path.resolve(
  here,
  '../..',
  '../shared/conformance/gs1-syntax-dictionary/gs1-syntax-dictionary.txt',
);

describe('AI table generated from the GS1 Barcode Syntax Dictionary', () => {
  const dictionary = parseSyntaxDictionary(fs.readFileSync(dictionaryFile, 'utf8'));

  it('the committed table is exactly what the dictionary generates (run `npm run generate:ai` if not)', () => {
    const committed = fs.readFileSync(path.join(here, 'ai-table.generated.ts'), 'utf8');
    expect(committed).toBe(renderAiTableModule(dictionary));
  });

  it('has a linter for every syntax test the dictionary names', () => {
    const named = new Set(dictionary.entries.flatMap((e) => e.components.flatMap((c) => c.linters)));
    expect([...named].filter((n) => !(n in LINTERS))).toEqual([]);
  });

  it('carries formats, flags, associations and Digital Link keys', () => {
    expect(lookupAi('01')).toMatchObject({
      title: 'GTIN',
      predefinedLength: true,
      dlDataAttribute: true,
      ex: ['255', '37'],
      dlPrimaryKey: [['22', '10', '21'], ['235']],
    });
    expect(lookupAi('21')).toMatchObject({ dlDataAttribute: false, req: [['01', '03', '8006']], ex: ['235'] });
    expect(lookupAi('253')!.components).toEqual([
      { cset: 'N', min: 13, max: 13, optional: false, linters: ['csum', 'gcppos1'] },
      { cset: 'X', min: 1, max: 17, optional: true, linters: [] },
    ]);
    expect(lookupAi('3103')).toMatchObject({ title: 'NET WEIGHT (kg)', ex: ['310n'] });
    expect(lookupAi('8030')!.req[0]).toContain('8010+8011');
    expect(lookupAi('414')!.dlPrimaryKey).toEqual([['254'], ['7040']]);
    expect(lookupAi('00')!.dlPrimaryKey).toEqual([[]]);
    expect(lookupAi('89')).toBeUndefined();
    expect(aiTable.size).toBe(dictionary.entries.length);
  });

  it('matches AI patterns with n wildcards', () => {
    expect(aiMatchesPattern('3103', '310n')).toBe(true);
    expect(aiMatchesPattern('3203', '31nn')).toBe(false);
    expect(aiMatchesPattern('01', '01')).toBe(true);
  });

  it('rejects a malformed dictionary line with its line number', () => {
    expect(() => parseSyntaxDictionary('01  *?  Q14  # BAD')).toThrow(/line 1/);
  });
});
