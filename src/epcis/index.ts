/**
 * EPCIS 2.0 / CBV 2.0 pure core: the canonical event model, the JSON-LD and XML codecs, layered validation and
 * the CBV 2.0 §8.9 event hash. No I/O; the bundled GS1 artefacts are compiled in.
 */
import { EpcisValidationError, type Finding } from './errors.ts';
import { eventHash } from './event-hash.ts';
import { EPCIS_CONTEXT } from './generated/epcis-context.generated.ts';
import { EPCIS_CONTEXT_URLS, jsonEventList, parseJsonBounded, readJsonDocument } from './json-codec.ts';
import type { EpcisDocument, EpcisEvent, ParsedDocument } from './model.ts';
import { schemaFindings, semanticFindings } from './validation.ts';
import { parseEpcisXml } from './xml-codec.ts';
import { buildJsonLdDocument, writeEpcisXml } from './xml-writer.ts';

export * from './model.ts';
export { EpcisValidationError, type Finding, type FindingKind, type EpcisExceptionType } from './errors.ts';
export { eventHash, preHashString, canonicalTimestamp, type EventHashOptions } from './event-hash.ts';
export { EPCIS_CONTEXT, EPCIS_CONTEXT_URLS };
export { isDateTimeWithOffset, identifierProblem } from './validation.ts';

/**
 * The JSON-LD context document for a context URL: the bundled EPCIS 2.0 context for any of the three URLs that
 * name it, otherwise undefined (remote contexts are never fetched).
 */
export function resolveContext(url: string): Record<string, unknown> | undefined {
  return (EPCIS_CONTEXT_URLS as readonly string[]).includes(url) ? EPCIS_CONTEXT : undefined;
}

export interface ParseOptions {
  /** Refuse bodies larger than this many bytes (default 64 MiB). */
  maxBytes?: number;
  /** Maximum nesting depth of XML elements / JSON values (default 64). */
  maxDepth?: number;
  /**
   * XML only. `strict` (default, for capture) refuses 2.0 events whose standard elements break the XSD sequence;
   * `lenient` (converter and hash tooling) accepts them and reports the findings on `ParsedDocument.findings`.
   */
  xmlElementOrder?: 'strict' | 'lenient';
  /**
   * Return the document even when it has schema or semantic findings (they are on `ParsedDocument.findings`), as
   * `GS1-Capture-Error-Behaviour: proceed` needs. Syntax and security problems still throw.
   */
  lenient?: boolean;
  /**
   * `gs1` (default): identifiers in EPC URN form must be valid EPCs and id.gs1.org URIs valid GS1 keys with
   * correct check digits; `uri`: any absolute URI (real-world data carries malformed EPC URNs).
   */
  identifiers?: 'gs1' | 'uri';
}

export interface ValidationResult {
  valid: boolean;
  findings: Finding[];
  parsed?: ParsedDocument;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

function decode(body: string | Buffer, maxBytes: number): string {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (size > maxBytes)
    throw new EpcisValidationError(
      [{ field: 'body', message: `document larger than ${maxBytes} bytes`, kind: 'security' }],
      'CaptureLimitExceededException',
    );
  if (typeof body === 'string') return body;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new EpcisValidationError([{ field: 'body', message: 'not UTF-8 text (binary content)', kind: 'syntax' }]);
  }
}

/**
 * Refuses binary input early with a clear finding instead of a parser error deep inside: C0 controls in the first
 * 4 KiB, or many replacement characters there (binary bytes a text decoder met upstream). One U+FFFD is text.
 */
function refuseBinary(text: string): void {
  const sample = text.slice(0, 4096);
  const replacements = sample.match(/\ufffd/g)?.length ?? 0;
  if (/[\u0000-\u0008\u000e-\u001f]/.test(sample) || replacements > Math.max(8, sample.length / 50))
    throw new EpcisValidationError([
      { field: 'body', message: 'not a text document (binary content)', kind: 'syntax' },
    ]);
}

/**
 * Validates a document in both layers without throwing: (1) the GS1 JSON Schema (JSON) or the XSD structure (XML:
 * known elements in XSD order, then the converted JSON-LD against the JSON Schema), (2) the semantic rules.
 */
export function validateEpcisDocument(
  body: string | Buffer,
  contentType: 'json' | 'xml',
  options: ParseOptions = {},
): ValidationResult {
  try {
    const parsed = parseEpcisDocument(body, contentType, options);
    return { valid: true, findings: parsed.findings ?? [], parsed };
  } catch (e) {
    if (e instanceof EpcisValidationError) return { valid: false, findings: e.findings };
    throw e;
  }
}

/**
 * Parses and validates an EPCISDocument or EPCISQueryDocument (JSON-LD, EPCIS 2.0 XML or 1.2 XML) into the
 * canonical model. Throws {@link EpcisValidationError} with every finding when the document is not acceptable.
 */
export function parseEpcisDocument(
  body: string | Buffer,
  contentType: 'json' | 'xml',
  options: ParseOptions = {},
): ParsedDocument {
  const text = decode(body, options.maxBytes ?? DEFAULT_MAX_BYTES);
  refuseBinary(text);
  const maxDepth = options.maxDepth ?? 64;
  if (contentType === 'json') {
    const json = parseJsonBounded(text, maxDepth);
    if (!json || typeof json !== 'object' || Array.isArray(json))
      throw new EpcisValidationError([{ field: '(document)', message: 'must be a JSON object', kind: 'schema' }]);
    const findings = schemaFindings(json);
    // Document-level schema problems (no @context, no event list, …) make the events unreadable.
    if (
      findings.some((f) => f.eventIndex === undefined) ||
      !Array.isArray(jsonEventList(json as Record<string, unknown>))
    )
      throw new EpcisValidationError(findings);
    const parsed = readJsonDocument(json as Record<string, unknown>);
    findings.push(
      ...semanticFindings(parsed.events, {
        checkDigits: parsed.document.type !== 'EPCISQueryDocument',
        identifiers: options.identifiers ?? 'gs1',
        skip: new Set(findings.map((f) => f.eventIndex!)),
      }),
    );
    if (findings.length > 0 && !options.lenient) throw new EpcisValidationError(sortFindings(findings));
    return { ...parsed, findings: sortFindings(findings) };
  }
  return checkXml(parseEpcisXml(text, { maxDepth }), options);
}

/** Layers 1 and 2 for a document read from XML. */
function checkXml(parsed: ReturnType<typeof parseEpcisXml>, options: ParseOptions): ParsedDocument {
  const findings = [...parsed.findings];
  const tolerated: Finding[] = [];
  if ((options.xmlElementOrder ?? 'strict') === 'strict') findings.push(...parsed.orderFindings);
  else tolerated.push(...parsed.orderFindings);
  const asJson = buildJsonLdDocument(parsed.events, parsed.namespaces, {
    creationDate: parsed.document.creationDate || '1970-01-01T00:00:00Z',
    ...(parsed.document.type === 'EPCISQueryDocument' ? { queryName: queryNameOf(parsed.document) } : {}),
  });
  const epcis12 = parsed.schemaVersion.startsWith('1.');
  const schema = schemaFindings(asJson, { fromXml: true, epcis12 });
  findings.push(...schema);
  findings.push(
    ...semanticFindings(parsed.events, {
      skip: new Set(schema.flatMap((f) => (f.eventIndex === undefined ? [] : [f.eventIndex]))),
      epcis12,
      checkDigits: parsed.document.type !== 'EPCISQueryDocument',
      identifiers: options.identifiers ?? 'gs1',
    }),
  );
  if (findings.length > 0 && !options.lenient) throw new EpcisValidationError(sortFindings(findings));
  const { orderFindings: _order, ...rest } = parsed;
  return { ...rest, findings: sortFindings([...findings, ...tolerated]) };
}

/** Parses an EPCISQueryDocument (the body of a query response or a subscription delivery). */
export function parseEpcisQueryDocument(
  body: string | Buffer,
  contentType: 'json' | 'xml',
  options: ParseOptions = {},
): ParsedDocument {
  const parsed = parseEpcisDocument(body, contentType, options);
  if (parsed.document.type !== 'EPCISQueryDocument')
    throw new EpcisValidationError([{ field: 'type', message: 'expected an EPCISQueryDocument', kind: 'schema' }]);
  return parsed;
}

/**
 * Parses one bare event: JSON-LD (the body of `POST /events`), validated as the only event of a document with the
 * event's own `@context` (or the EPCIS context when it has none); or XML with the event element as the root
 * (`options.format: 'xml'`, for converter and hash tooling).
 */
export function parseEpcisEvent(
  body: string | Buffer,
  options: ParseOptions & { format?: 'json' | 'xml' } = {},
): ParsedDocument {
  const text = decode(body, options.maxBytes ?? DEFAULT_MAX_BYTES);
  refuseBinary(text);
  if (options.format === 'xml')
    return checkXml(parseEpcisXml(text, { maxDepth: options.maxDepth ?? 64 }, 'event'), options);
  const event = parseJsonBounded(text, options.maxDepth ?? 64);
  if (!event || typeof event !== 'object' || Array.isArray(event))
    throw new EpcisValidationError([{ field: '(event)', message: 'must be a JSON object', kind: 'schema' }]);
  const { '@context': context, ...rest } = event as Record<string, unknown>;
  const wrapped = JSON.stringify({
    '@context': context ?? EPCIS_CONTEXT_URLS[0],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: new Date(0).toISOString(),
    epcisBody: { eventList: [rest] },
  });
  return parseEpcisDocument(wrapped, 'json', options);
}

function queryNameOf(doc: EpcisDocument): string {
  return doc.epcisBody.queryResults?.queryName ?? 'SimpleEventQuery';
}

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => (a.eventIndex ?? -1) - (b.eventIndex ?? -1));
}

/** The event hashes of a parsed document, in document order. */
export function documentEventHashes(parsed: ParsedDocument): string[] {
  const options = parsed.hashIgnoreFields ? { ignoreFields: parsed.hashIgnoreFields } : {};
  return parsed.events.map((e) => eventHash(e, parsed.namespaces, options));
}

type Source = ParsedDocument | EpcisDocument | readonly EpcisEvent[];

/** A parsed document for any accepted source: the parse result, a JSON-LD document in model shape, or events. */
function asParsed(source: Source, namespaces: Record<string, string>): ParsedDocument {
  if (Array.isArray(source)) {
    const events = source as EpcisEvent[];
    return {
      document: { type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '', epcisBody: { eventList: events } },
      events,
      namespaces,
      schemaVersion: '2.0',
    };
  }
  if ('epcisBody' in source) {
    const read = readJsonDocument(source);
    return { ...read, namespaces: { ...read.namespaces, ...namespaces } };
  }
  const parsed = source as ParsedDocument;
  return { ...parsed, namespaces: { ...parsed.namespaces, ...namespaces } };
}

/**
 * Writes a parsed document, a JSON-LD document or bare events as EPCIS 2.0 XML; `options.cbvFormat: 'urn'` writes
 * standard CBV values as URNs (`GS1-CBV-XML-Format: Always_URN`).
 */
export function toXml(
  source: Source,
  namespaces: Record<string, string> = {},
  options: { cbvFormat?: 'webUri' | 'urn' } = {},
): string {
  const parsed = asParsed(source, namespaces);
  return writeEpcisXml(parsed.events, parsed.namespaces, {
    ...options,
    creationDate: parsed.document.creationDate || undefined,
    ...(parsed.masterData ? { masterData: parsed.masterData } : {}),
    ...queryResultsOptions(parsed.document),
  });
}

/** Writes a parsed document, a JSON-LD document or bare events as an EPCIS 2.0 JSON-LD document. */
export function toJsonLd(source: Source, namespaces: Record<string, string> = {}): EpcisDocument {
  const parsed = asParsed(source, namespaces);
  return buildJsonLdDocument(parsed.events, parsed.namespaces, {
    creationDate: parsed.document.creationDate || undefined,
    ...(parsed.masterData ? { masterData: parsed.masterData } : {}),
    ...queryResultsOptions(parsed.document),
  });
}

function queryResultsOptions(doc: EpcisDocument): { queryName?: string; subscriptionID?: string } {
  if (doc.type !== 'EPCISQueryDocument') return {};
  const subscriptionID = doc.epcisBody.queryResults?.subscriptionID;
  return { queryName: queryNameOf(doc), ...(subscriptionID !== undefined ? { subscriptionID } : {}) };
}
