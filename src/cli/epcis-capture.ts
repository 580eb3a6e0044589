import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../shared/errors.ts';

/**
 * `truyxuat epcis capture FILE`: sends a document to a truyxuat server's `/epcis/capture` with an API key, waits
 * for the capture job and prints its outcome. Exit 1 when the document or the job fails.
 */
export function registerEpcisCaptureCommand(program: Command): void {
  const epcis = program.commands.find((c) => c.name() === 'epcis') ?? program.command('epcis');
  epcis
    .command('capture')
    .description('Capture a document through the API (needs an API key with epcis:capture)')
    .argument('<file>', 'EPCIS 2.0 JSON-LD or XML (1.2 XML accepted)')
    .option('--url <url>', 'server base URL (TRUYXUAT_URL)', process.env.TRUYXUAT_URL ?? 'http://localhost:3000')
    .option('--key <key>', 'API key tx_… (TRUYXUAT_API_KEY)', process.env.TRUYXUAT_API_KEY)
    .option('--proceed', 'keep the valid events when some are invalid (GS1-Capture-Error-Behaviour: proceed)')
    .option('--on-behalf-of <organisation>', 'capture for an organisation that delegated to you')
    .option('--timeout <seconds>', 'how long to wait for the capture job', '120')
    .action(
      async (
        file: string,
        opts: { url: string; key?: string; proceed?: boolean; onBehalfOf?: string; timeout: string },
      ) => {
        if (!opts.key) throw new AppError('validation', 'Give an API key with --key or TRUYXUAT_API_KEY');
        let body: Buffer;
        try {
          body = readFileSync(file);
        } catch (e) {
          throw new AppError('not_found', `cannot read ${file}: ${(e as Error).message}`);
        }
        const xml =
          /\.xml$/i.test(file) ||
          body
            .toString('utf8', 0, 256)
            .replace(/^\uFEFF/, '')
            .trimStart()
            .startsWith('<');
        const base = opts.url.replace(/\/+$/, '');
        const query = opts.onBehalfOf ? `?onBehalfOf=${encodeURIComponent(opts.onBehalfOf)}` : '';
        const headers = { authorization: `Bearer ${opts.key}` };
        const response = await fetch(`${base}/epcis/capture${query}`, {
          method: 'POST',
          headers: {
            ...headers,
            'content-type': xml ? 'application/xml' : 'application/ld+json',
            'GS1-Capture-Error-Behaviour': opts.proceed ? 'proceed' : 'rollback',
          },
          body,
        });
        if (response.status !== 202) {
          const problem = (await response.json().catch(() => ({}))) as {
            detail?: string;
            errors?: { field: string; message: string }[];
          };
          console.error(`truyxuat: capture refused (${response.status}): ${problem.detail ?? response.statusText}`);
          for (const e of problem.errors ?? []) console.error(`  ${e.field}: ${e.message}`);
          process.exitCode = 1;
          return;
        }
        const location = response.headers.get('location');
        if (!location) throw new AppError('internal', 'The server gave no capture job location');
        const deadline = Date.now() + Number(opts.timeout) * 1000;
        for (;;) {
          const job = (await (await fetch(`${base}${location}`, { headers })).json()) as {
            running: boolean;
            success: boolean;
            storedCount: number;
            duplicateCount: number;
            eventCount: number;
            errors: { eventIndex?: number; field?: string; message: string }[];
          };
          if (!job.running) {
            console.log(
              `${job.success ? 'captured' : 'failed'}: ${job.storedCount} stored, ${job.duplicateCount} already stored, ${job.eventCount} in the document`,
            );
            for (const e of job.errors)
              console.error(
                `  ${e.eventIndex === undefined ? '' : `event ${e.eventIndex}: `}${e.field ?? ''} ${e.message}`,
              );
            if (!job.success) process.exitCode = 1;
            return;
          }
          if (Date.now() > deadline) throw new AppError('unavailable', `The capture job ${location} is still running`);
          await new Promise((r) => setTimeout(r, 250));
        }
      },
    );
}
