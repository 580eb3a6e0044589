import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { SYSTEM } from '../shared/caller.ts';
import { AppError } from '../shared/errors.ts';
import { parseTraceIdentifier, traceBackward, traceForward } from '../trace/trace.service.ts';

/**
 * `truyxuat trace back|forward <identifier>`: the backward or forward trace of any identifier (Digital Link,
 * element string, EPC URN or URI) as JSON. With `--url` and `--key` it asks a truyxuat server and sees what that API
 * key may see; without, it reads this installation's database directly and sees everything (an operator's tool).
 */
export function registerTraceCommands(program: Command): void {
  const trace = program.command('trace').description('Trace a lot, item or pallet back to its origins or forward');
  for (const direction of ['back', 'forward'] as const) {
    trace
      .command(direction)
      .description(
        direction === 'back'
          ? 'Inputs, suppliers and origins of an identifier, recursively'
          : 'Outputs, containers and customers of an identifier, recursively',
      )
      .argument('<identifier>', 'Digital Link, element string such as (01)…(10)…, EPC URN, or any URI')
      .option('--max-depth <n>', 'how many steps to follow', '50')
      .option('--url <url>', 'ask this server instead of the local database (TRUYXUAT_URL)', process.env.TRUYXUAT_URL)
      .option(
        '--key <key>',
        'API key tx_… with epcis:query, for --url (TRUYXUAT_API_KEY)',
        process.env.TRUYXUAT_API_KEY,
      )
      .action(async (identifier: string, opts: { maxDepth: string; url?: string; key?: string }) => {
        const maxDepth = Number(opts.maxDepth);
        if (!Number.isInteger(maxDepth) || maxDepth < 1)
          throw new AppError('validation', '--max-depth must be a positive integer');
        const id = parseTraceIdentifier({ id: identifier });
        if (opts.url) {
          if (!opts.key) throw new AppError('validation', 'Give an API key with --key or TRUYXUAT_API_KEY');
          const base = opts.url.replace(/\/+$/, '');
          const response = await fetch(
            `${base}/api/trace/${direction}?id=${encodeURIComponent(id)}&maxDepth=${maxDepth}`,
            { headers: { authorization: `Bearer ${opts.key}`, accept: 'application/json' } },
          );
          const body = await response.text();
          if (!response.ok) {
            console.error(`truyxuat: trace refused (${response.status}): ${body}`);
            process.exitCode = 1;
            return;
          }
          console.log(JSON.stringify(JSON.parse(body), null, 2));
          return;
        }
        const config = loadConfig();
        const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
        try {
          const run = direction === 'back' ? traceBackward : traceForward;
          console.log(JSON.stringify(await run(database.db, SYSTEM, id, { maxDepth }), null, 2));
        } finally {
          await database.close();
        }
      });
  }
}
