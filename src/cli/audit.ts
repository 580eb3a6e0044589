import type { Command } from 'commander';
import { dailyDigest, verifyChain } from '../audit/index.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { t, type Locale } from '../shared/messages.ts';

/**
 * `truyxuat audit verify` walks the whole hash chain of the audit log and names the first broken entry (exit 1);
 * `truyxuat audit digest --date YYYY-MM-DD` prints the day's digest for the province to publish. Both read this
 * installation's database directly (an operator's tools). `--json` prints the result as JSON.
 */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('Check and publish the tamper-evident audit log');
  const locale = (opts: { lang?: string }): Locale => (opts.lang === 'en' ? 'en' : 'vi');

  audit
    .command('verify')
    .description('Verify the hash chain of the audit log; names the first broken entry')
    .option('--json', 'print the result as JSON')
    .option('--lang <lang>', 'vi or en', 'vi')
    .action(async (opts: { json?: boolean; lang?: string }) => {
      const config = loadConfig();
      const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
      try {
        const result = await verifyChain(database.db);
        if (opts.json) console.log(JSON.stringify(result, null, 2));
        else if (result.ok) {
          console.log(t(locale(opts), 'audit.verify.ok', { entries: result.entries, hash: result.headHash }));
        } else {
          const broken = result.firstBroken!;
          console.log(t(locale(opts), 'audit.verify.broken', { seq: broken.seq }));
          console.log(`  ${t(locale(opts), broken.messageKey)} (${broken.reason})`);
        }
        if (!result.ok) process.exitCode = 1;
      } finally {
        await database.close();
      }
    });

  audit
    .command('digest')
    .description('Print the digest of one day of the audit log (Huế calendar day), for publication')
    .requiredOption('--date <date>', 'YYYY-MM-DD')
    .option('--json', 'print the result as JSON')
    .option('--lang <lang>', 'vi or en', 'vi')
    .action(async (opts: { date: string; json?: boolean; lang?: string }) => {
      const config = loadConfig();
      const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
      try {
        const digest = await dailyDigest(database.db, opts.date);
        console.log(
          opts.json
            ? JSON.stringify(digest, null, 2)
            : t(locale(opts), 'audit.digest.line', {
                date: digest.date,
                entries: digest.entries,
                digest: digest.digest,
                chainHash: digest.chainHash,
              }),
        );
      } finally {
        await database.close();
      }
    });
}
