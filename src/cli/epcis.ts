import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import {
  documentEventHashes,
  EpcisValidationError,
  EVENT_TYPES,
  parseEpcisDocument,
  parseEpcisEvent,
  toJsonLd,
  toXml,
  validateEpcisDocument,
  type Finding,
} from '../epcis/index.ts';
import { AppError } from '../shared/errors.ts';

/** JSON-LD or XML, from the file name or, failing that, the first non-blank character. */
function formatOf(file: string, body: Buffer): 'json' | 'xml' {
  if (/\.(jsonld|json)$/i.test(file)) return 'json';
  if (/\.xml$/i.test(file)) return 'xml';
  const start = body
    .toString('utf8', 0, Math.min(body.length, 512))
    .replace(/^\uFEFF/, '')
    .trimStart();
  return start.startsWith('<') ? 'xml' : 'json';
}

/** A bare event (root element or top-level `type` is an event type) rather than a document. */
function isBareEvent(body: Buffer, format: 'json' | 'xml'): boolean {
  const head = body.toString('utf8', 0, Math.min(body.length, 4096));
  const name =
    format === 'xml'
      ? /<(?![?!])(?:[\w.-]+:)?([\w.-]+)/.exec(head.replace(/<!--[\s\S]*?-->/g, ''))?.[1]
      : /^\s*\{[\s\S]*?"type"\s*:\s*"([^"]+)"/.exec(head)?.[1];
  return name !== undefined && (EVENT_TYPES as readonly string[]).includes(name);
}

function read(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new AppError('not_found', `cannot read ${file}: ${(e as Error).message}`);
  }
}

function describe(f: Finding): string {
  return `${f.eventIndex === undefined ? '' : `event ${f.eventIndex}: `}${f.field}: ${f.message} [${f.kind}]`;
}

/** Offline EPCIS tools: `truyxuat epcis validate | hash | convert FILE`. */
export function registerEpcisCommands(program: Command): void {
  const epcis = program.command('epcis').description('EPCIS 2.0 documents: validate, hash, convert (offline)');

  epcis
    .command('validate')
    .description('Validate an EPCIS document (JSON-LD or XML); exit 1 with the findings when it is invalid')
    .argument('<file>', 'EPCIS document (.jsonld/.json or .xml)')
    .option('--lenient-order', 'accept EPCIS 2.0 XML whose elements are out of the XSD order')
    .action((file: string, opts: { lenientOrder?: boolean }) => {
      const body = read(file);
      const format = formatOf(file, body);
      const order = opts.lenientOrder ? 'lenient' : 'strict';
      const result = isBareEvent(body, format)
        ? validateBareEvent(body, format, order)
        : validateEpcisDocument(body, format, { xmlElementOrder: order });
      if (result.valid) {
        console.log(`valid: ${result.parsed?.events.length ?? 0} events`);
        for (const f of result.findings) console.log(`  note: ${describe(f)}`);
        return;
      }
      console.error(`invalid: ${result.findings.length} findings`);
      for (const f of result.findings) console.error(`  ${describe(f)}`);
      process.exitCode = 1;
    });

  epcis
    .command('hash')
    .description('Print the CBV 2.0 event hash of every event, in document order, one per line')
    .argument('<file>', 'EPCIS document (.jsonld/.json or .xml)')
    .action((file: string) => {
      const body = read(file);
      const parsed = parseOrExplain(body, formatOf(file, body));
      if (!parsed) return;
      const hashes = documentEventHashes(parsed);
      if (hashes.length > 0) process.stdout.write(hashes.join('\n') + '\n');
    });

  epcis
    .command('convert')
    .description('Convert an EPCIS document between JSON-LD and EPCIS 2.0 XML (to standard output)')
    .argument('<file>', 'EPCIS document (.jsonld/.json or .xml)')
    .addOption(new Option('--to <format>', 'target syntax').choices(['xml', 'jsonld']).makeOptionMandatory())
    .action((file: string, opts: { to: 'xml' | 'jsonld' }) => {
      const body = read(file);
      const parsed = parseOrExplain(body, formatOf(file, body));
      if (!parsed) return;
      process.stdout.write(opts.to === 'xml' ? toXml(parsed) : JSON.stringify(toJsonLd(parsed), null, 2) + '\n');
    });
}

function validateBareEvent(body: Buffer, format: 'json' | 'xml', order: 'strict' | 'lenient') {
  try {
    const parsed = parseEpcisEvent(body, { format, xmlElementOrder: order });
    return { valid: true, findings: parsed.findings ?? [], parsed };
  } catch (e) {
    if (e instanceof EpcisValidationError) return { valid: false, findings: e.findings, parsed: undefined };
    throw e;
  }
}

/**
 * The hash and converter tools take documents and bare events, and are lenient about XML element order; anything
 * else invalid is reported.
 */
function parseOrExplain(body: Buffer, format: 'json' | 'xml') {
  try {
    return isBareEvent(body, format)
      ? parseEpcisEvent(body, { format, xmlElementOrder: 'lenient' })
      : parseEpcisDocument(body, format, { xmlElementOrder: 'lenient' });
  } catch (e) {
    if (!(e instanceof EpcisValidationError)) throw e;
    console.error(`invalid: ${e.findings.length} findings`);
    for (const f of e.findings) console.error(`  ${describe(f)}`);
    process.exitCode = 1;
    return undefined;
  }
}
