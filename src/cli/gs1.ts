import fs from 'node:fs';
import { type Command, Option } from 'commander';
import {
  Gs1Error,
  gs1CheckDigit,
  hasValidCheckDigit,
  interpretGs1,
  renderBarcode,
  type BarcodeSymbology,
} from '../identifiers/index.ts';
import { AppError } from '../shared/errors.ts';

/** A Gs1Error as the CLI reports it: one line naming the AI and the reason (exit 1). */
function asAppError(e: unknown): unknown {
  if (!(e instanceof Gs1Error)) return e;
  return new AppError('validation', e.message, { details: { code: e.code, ai: e.ai ?? null, reason: e.reason } });
}

/** `truyxuat gs1 …`: GS1 identifiers, Digital Link and barcodes from the command line. */
export function registerGs1Commands(program: Command): void {
  const gs1 = program.command('gs1').description('GS1 identifiers, element strings, Digital Link and barcodes');

  gs1
    .command('parse')
    .description(
      'Interpret a Digital Link URI (also compressed), bracketed or raw element strings, an EPC URN or a bare GTIN/GLN/SSCC; prints JSON',
    )
    .argument('<input>', 'the GS1 text')
    .option('--gln', 'read a bare 13-digit number as a GLN (default: GTIN-13)')
    .option('--lenient', 'accept Digital Link short names (/gtin/…) and GTIN-8/12/13 in the path')
    .action((input: string, opts: { gln?: boolean; lenient?: boolean }) => {
      try {
        const result = interpretGs1(input, { bareKeyAs: opts.gln ? 'gln' : 'gtin', lenient: opts.lenient ?? false });
        console.log(JSON.stringify(result, null, 2));
      } catch (e) {
        throw asAppError(e);
      }
    });

  gs1
    .command('check-digit')
    .description('GS1 mod-10 check digit of the digits given (and whether they already end with a valid one)')
    .argument('<digits>', 'digits without (or with) the check digit')
    .action((digits: string) => {
      if (!/^\d{1,40}$/.test(digits)) throw new AppError('validation', 'check-digit needs 1 to 40 digits');
      const checkDigit = gs1CheckDigit(digits);
      console.log(
        JSON.stringify(
          {
            input: digits,
            checkDigit,
            withCheckDigit: digits + String(checkDigit),
            inputEndsWithValidCheckDigit: digits.length >= 2 && hasValidCheckDigit(digits),
          },
          null,
          2,
        ),
      );
    });

  gs1
    .command('barcode')
    .description('Render a GS1 Digital Link QR, GS1 DataMatrix, GS1-128 or EAN-13 barcode to an SVG or PNG file')
    .argument('<input>', 'Digital Link URI, element strings or GTIN')
    .addOption(
      new Option('--symbology <symbology>', 'barcode type')
        .choices(['qr', 'datamatrix', 'gs1-128', 'ean13', 'ean8', 'upca'])
        .default('qr'),
    )
    .addOption(new Option('--format <format>', 'image format').choices(['svg', 'png']).default('svg'))
    .requiredOption('-o, --output <file>', 'file to write')
    .option('--dpi <dpi>', 'print resolution in dots per inch', '300')
    .option('--module-mm <mm>', 'module (X-dimension) size in millimetres')
    .option('--scale <pixels>', 'pixels per module (overrides --dpi and --module-mm)')
    .option('--stem <url>', 'host for a QR code built from element strings (default https://id.gs1.org)')
    .action(
      async (
        input: string,
        opts: {
          symbology: BarcodeSymbology;
          format: 'svg' | 'png';
          output: string;
          dpi: string;
          moduleMm?: string;
          scale?: string;
          stem?: string;
        },
      ) => {
        const number = (name: string, value: string | undefined) => {
          if (value === undefined) return undefined;
          const n = Number(value);
          if (!Number.isFinite(n) || n <= 0) throw new AppError('validation', `--${name} must be a positive number`);
          return n;
        };
        try {
          const barcode = await renderBarcode(input, {
            symbology: opts.symbology,
            format: opts.format,
            dpi: number('dpi', opts.dpi),
            moduleMm: number('module-mm', opts.moduleMm),
            scale: number('scale', opts.scale),
            stem: opts.stem,
          });
          fs.writeFileSync(opts.output, barcode.data);
          console.log(JSON.stringify({ file: opts.output, symbology: barcode.symbology, payload: barcode.payload }));
        } catch (e) {
          throw asAppError(e);
        }
      },
    );
}
