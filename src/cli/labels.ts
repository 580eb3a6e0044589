import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { labelSheetPdf } from '../labels/label-sheet.ts';
import { isLabelLayoutId, LABEL_LAYOUT_IDS, LABEL_LAYOUTS, labelsPerSheet } from '../labels/layouts.ts';
import { stampLabelsPdf } from '../labels/labels.service.ts';
import { generateSerials, normaliseSerial } from '../labels/serial.ts';
import { SYSTEM } from '../shared/caller.ts';
import { AppError } from '../shared/errors.ts';

/** GS1's example GTIN, for test pages that must not look like a real product's stamps. */
const SAMPLE_GTIN = '09506000134352';

function layoutOption(value: string): string {
  if (!isLabelLayoutId(value))
    throw new AppError('validation', `--layout must be one of ${LABEL_LAYOUT_IDS.join(', ')}`);
  return value;
}

/**
 * `truyxuat labels check <serial>`: is a typed stamp serial valid (check symbol), and its canonical form.
 * `truyxuat labels test-page --layout a4-40 --out page.pdf`: one sheet of sample labels to check the printer's
 * alignment on the label stock before printing a batch.
 * `truyxuat labels pdf <batchId> --out tem.pdf`: a batch's label sheets from this installation's database.
 */
export function registerLabelsCommands(program: Command): void {
  const labels = program.command('labels').description('Serialized stamps: serial check, test page, label sheets');

  labels
    .command('check')
    .description('Check a typed stamp serial (lower case, O for 0, I or L for 1, spaces allowed)')
    .argument('<serial>')
    .action((typed: string) => {
      const serial = normaliseSerial(typed);
      if (serial === undefined) {
        console.error(`truyxuat: "${typed}" is not a valid stamp serial (mistyped symbol or wrong length)`);
        process.exitCode = 1;
        return;
      }
      console.log(serial);
    });

  labels
    .command('test-page')
    .description('One A4 sheet of sample labels (GS1 example GTIN) to check the alignment on the label stock')
    .option('--layout <layout>', LABEL_LAYOUT_IDS.join(' | '), 'a4-21')
    .requiredOption('--out <file>', 'where to write the PDF')
    .action(async (opts: { layout: string; out: string }) => {
      const layout = LABEL_LAYOUTS[layoutOption(opts.layout) as keyof typeof LABEL_LAYOUTS];
      const { publicUrl } = loadConfig();
      const serials = generateSerials(labelsPerSheet(layout));
      const pdf = labelSheetPdf({
        layout,
        productName: 'Mẫu thử căn lề – Alignment test',
        gtin: SAMPLE_GTIN,
        title: `Test page ${layout.id}`,
        codeCaption: 'Mã cào / Scratch code',
        labels: [
          serials.map((serial, i) => ({
            uri: `${publicUrl}/01/${SAMPLE_GTIN}/21/${serial}`,
            serial,
            lot: 'TEST',
            verificationCode: String(i + 1).padStart(8, '0'),
          })),
        ],
      });
      await pipeline(pdf, createWriteStream(opts.out));
      console.log(`${opts.out}: ${layout.products}`);
    });

  labels
    .command('pdf')
    .description('Label sheets of a stamp batch from the local database (void stamps left out)')
    .argument('<batchId>')
    .option('--layout <layout>', `${LABEL_LAYOUT_IDS.join(' | ')} (default: the batch's own)`)
    .option('--from <n>', 'first sequence number')
    .option('--to <n>', 'last sequence number')
    .option('--lang <lang>', 'vi | en', 'vi')
    .requiredOption('--out <file>', 'where to write the PDF')
    .action(
      async (batchId: string, opts: { layout?: string; from?: string; to?: string; lang: string; out: string }) => {
        const number = (v: string | undefined, name: string) => {
          if (v === undefined) return undefined;
          const n = Number(v);
          if (!Number.isInteger(n) || n < 1) throw new AppError('validation', `--${name} must be a positive integer`);
          return n;
        };
        const config = loadConfig();
        const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
        try {
          const { pdf } = await stampLabelsPdf(
            database.db,
            SYSTEM,
            config.publicUrl,
            batchId,
            {
              layout: opts.layout === undefined ? undefined : layoutOption(opts.layout),
              from: number(opts.from, 'from'),
              to: number(opts.to, 'to'),
            },
            opts.lang === 'en' ? 'en' : 'vi',
          );
          await pipeline(pdf, createWriteStream(opts.out));
          console.log(opts.out);
        } finally {
          await database.close();
        }
      },
    );
}
