/**
 * Generates src/identifiers/ai-table.generated.ts from the GS1 Barcode Syntax Dictionary kept with the conformance
 * corpora (`../shared/conformance/gs1-syntax-dictionary/gs1-syntax-dictionary.txt`, or the path given as argument).
 * Usage: `npm run generate:ai [-- path/to/gs1-syntax-dictionary.txt]`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSyntaxDictionary, renderAiTableModule } from '../src/identifiers/syntax-dictionary.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source =
  process.argv[2] ?? path.resolve(repoRoot, '../shared/conformance/gs1-syntax-dictionary/gs1-syntax-dictionary.txt');
const target = path.join(repoRoot, 'src/identifiers/ai-table.generated.ts');

const dictionary = parseSyntaxDictionary(fs.readFileSync(source, 'utf8'));
fs.writeFileSync(target, renderAiTableModule(dictionary));
console.log(`${dictionary.entries.length} AIs (release ${dictionary.release}) → ${path.relative(repoRoot, target)}`);
