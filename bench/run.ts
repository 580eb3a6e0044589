/**
 * `npm run bench -- <name> [args]`: runs `bench/<name>.bench.ts`, whose default export prints its figures.
 * Benchmarks generate their own data and report ratios against a baseline measured in the same process, because
 * these machines are shared and noisy; tests never carry timing thresholds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const available = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|')}> [options]`);
  process.exit(name ? 1 : 0);
}
const module = (await import(pathToFileURL(path.join(here, `${name}.bench.ts`)).href)) as {
  default: (args: string[]) => Promise<void>;
};
await module.default(args);
