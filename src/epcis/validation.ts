import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { hasValidCheckDigit } from '../identifiers/check-digit.ts';
import type { Finding } from './errors.ts';
import { gs1Elements } from './event-index.ts';
import { EPCIS_JSON_SCHEMA } from './generated/epcis-json-schema.generated.ts';
import { EVENT_TYPES, STANDARD_EVENT_FIELDS, type EpcisEvent } from './model.ts';
import { isStandardTermOrUri, type VocabularyName } from './vocabulary.ts';

let fast: ValidateFunction | undefined;
let detailed: ValidateFunction | undefined;

/**
 * The official EPCIS 2.0 JSON Schema, compiled once: a fast validator that stops at the first error, and one that
 * collects every error, used only for documents that fail. `format` keywords are checked by the semantic layer
 * instead (date-time strictly; `uri` as an absolute URI where identifiers are expected), because the schema's
 * `uri` alternatives would otherwise refuse GS1 Web Vocabulary terms written as bare words.
 */
function schemaValidator(allErrors: boolean): ValidateFunction {
  if (allErrors)
    return (detailed ??= new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(
      EPCIS_JSON_SCHEMA,
    ));
  return (fast ??= new Ajv({ strict: false, allErrors: false, validateFormats: false }).compile(EPCIS_JSON_SCHEMA));
}

/** Layer 1: JSON Schema findings for a JSON-LD document (empty when it conforms). */
export function schemaFindings(document: unknown, options: { fromXml?: boolean; epcis12?: boolean } = {}): Finding[] {
  if (schemaValidator(false)(document)) return [];
  const validate = schemaValidator(true);
  validate(document);
  return condense(validate.errors ?? []).filter((f) => !toleratedSchemaFinding(f, options));
}

/**
 * Schema findings that the normative XML binding contradicts, so they are not held against a document:
 * `sensorReport.type` is optional in the XSD (EPCglobal-epcis-2_0.xsd SensorReportType); the XSD has no
 * uniqueness rule for EPC lists; EPCIS 1.2 did not tie ILMD to action ADD.
 */
function toleratedSchemaFinding(f: Finding, options: { fromXml?: boolean; epcis12?: boolean }): boolean {
  if (/sensorReport\.\d+\.type$/.test(f.field) && f.message.startsWith('must have required property')) return true;
  if (options.fromXml && f.message.includes('duplicate items')) return true;
  if (options.epcis12 && (f.field === 'ilmd' || f.field === 'action') && !f.message.startsWith('must be one of'))
    return true;
  return false;
}

/** Keeps the most specific errors: Ajv reports every failed `anyOf` branch, which buries the real cause. */
function condense(errors: ErrorObject[]): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if' || e.keyword === 'allOf') continue;
    const m = /\/eventList\/(\d+)(\/.*)?$/.exec(e.instancePath);
    const eventIndex = m ? Number(m[1]) : undefined;
    let field = (m ? (m[2] ?? '') : e.instancePath).replace(/^\//, '').replace(/\//g, '.');
    if (e.keyword === 'required')
      field = [field, (e.params as { missingProperty: string }).missingProperty].filter(Boolean).join('.');
    if (e.keyword === 'additionalProperties')
      field = [field, (e.params as { additionalProperty: string }).additionalProperty].filter(Boolean).join('.');
    const message =
      e.keyword === 'enum'
        ? `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`
        : (e.message ?? e.keyword);
    const key = `${eventIndex}|${field}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push({
      ...(eventIndex === undefined ? {} : { eventIndex }),
      field: field || '(document)',
      message,
      kind: 'schema',
    });
  }
  return findings;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-](\d{2}):(\d{2}))$/;
const OFFSET = /^[+-]((0\d|1[0-3]):[0-5]\d|14:00)$/;
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/;
const UOM = /^[A-Z0-9]{2,3}$/;

/**
 * True for an xsd:dateTime with an explicit offset whose parts are in range (EPCIS 2.0 §7.3.4). Seconds may be left out
 * (`2006-11-07T13:00Z`, as in published examples); they read as :00.
 */
export function isDateTimeWithOffset(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [, y, mo, d, h, mi, s = 0, , , oh, om] = m.map((x) => (x === undefined ? undefined : Number(x))) as number[];
  if (mo! < 1 || mo! > 12 || d! < 1 || h! > 23 || mi! > 59 || s > 60) return false;
  if (oh !== undefined && !Number.isNaN(oh) && (oh > 14 || om! > 59)) return false;
  return d! <= new Date(Date.UTC(y!, mo, 0)).getUTCDate();
}

const SENSOR_METADATA_KEYS = new Set([
  'time',
  'startTime',
  'endTime',
  'deviceID',
  'deviceMetadata',
  'rawData',
  'dataProcessingMethod',
  'bizRules',
]);
const SENSOR_REPORT_KEYS = new Set([
  'type',
  'exception',
  'deviceID',
  'deviceMetadata',
  'rawData',
  'dataProcessingMethod',
  'bizRules',
  'time',
  'microorganism',
  'chemicalSubstance',
  'value',
  'component',
  'stringValue',
  'booleanValue',
  'hexBinaryValue',
  'uriValue',
  'minValue',
  'maxValue',
  'meanValue',
  'sDev',
  'percRank',
  'percValue',
  'uom',
  'coordinateReferenceSystem',
]);

/** GS1 keys whose value carries a mod-10 check digit: AI → [start, end) of the digits it covers. */
const CHECK_DIGIT_SPANS: Record<string, [number, number]> = {
  '01': [0, 14],
  '00': [0, 18],
  '414': [0, 13],
  '417': [0, 13],
  '8017': [0, 18],
  '8018': [0, 18],
  '253': [0, 13],
  '255': [0, 13],
  '8003': [1, 14],
  '402': [0, 17],
  '8006': [0, 14],
};

/** Why an identifier is unacceptable, or null: any URI, but EPC URNs and GS1 Digital Links must be valid keys. */
export function identifierProblem(value: unknown, checkDigits = true, gs1Keys = true): string | null {
  if (typeof value !== 'string' || !ABSOLUTE_URI.test(value)) return 'must be an absolute URI';
  if (!gs1Keys) return null;
  if (value.startsWith('urn:epc:id:') || value.startsWith('urn:epc:class:') || value.startsWith('urn:epc:idpat:')) {
    const scheme = value.split(':')[3] ?? '';
    if (['gid', 'usdod', 'adi', 'bic', 'imovn'].includes(scheme)) return null;
    return gs1Elements(value) ? null : 'is not a valid EPC URN';
  }
  // On GS1's own resolver domain a URI claims to be a GS1 key; on other domains it is accepted as an opaque URI.
  if (checkDigits && /^https?:\/\/id\.gs1\.org\//i.test(value)) {
    const elements = gs1Elements(value);
    if (!elements) return 'is not a valid GS1 Digital Link URI';
    const [ai = '', key = ''] = elements[0] ?? [];
    const span = CHECK_DIGIT_SPANS[ai];
    const normalised = ai === '01' ? key.padStart(14, '0') : key;
    if (span && !hasValidCheckDigit(normalised.slice(span[0], span[1])))
      return `has a wrong GS1 check digit in AI (${ai})`;
  }
  return null;
}

/**
 * Layer 2: the rules the schema misses (EPCIS 2.0 §7, CBV 2.0 §7): date-times with offsets, bare words only for
 * CBV terms, namespaced extension keys, valid identifiers, ILMD only on ADD, quantities and units.
 */
export interface SemanticOptions {
  /** Check GS1 check digits in Digital Link identifiers (default true). */
  checkDigits?: boolean;
  /**
   * `gs1` (default): EPC URNs must be valid Tag Data Standard EPCs and id.gs1.org URIs valid GS1 keys; `uri`: any
   * absolute URI is accepted as an identifier (for data from systems that write malformed EPC URNs).
   */
  identifiers?: 'gs1' | 'uri';
  /** EPCIS 1.2 input: the 2.0 rule "ILMD only with action ADD" is not applied (1.2 did not enforce it). */
  epcis12?: boolean;
  /** Events (by index) already refused by the schema layer; their shape cannot be relied on. */
  skip?: ReadonlySet<number>;
}

export function semanticFindings(events: readonly EpcisEvent[], options: SemanticOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const checkDigits = options.checkDigits ?? true;
  // Helpers are made once per document, not per event (this loop runs for every captured event).
  let eventIndex = 0;
  const add = (field: string, message: string) => findings.push({ eventIndex, field, message, kind: 'semantic' });
  const dateTime = (field: string, v: unknown) => {
    if (v !== undefined && !isDateTimeWithOffset(v)) add(field, 'must be a date-time with a time zone offset');
  };
  const termCheck = (field: string, v: unknown, vocabulary: VocabularyName) => {
    if (typeof v === 'string' && !isStandardTermOrUri(v, vocabulary))
      add(field, `"${v}" is neither a CBV ${vocabulary} term nor a URI`);
  };
  const identifiers = (field: string, v: unknown) => {
    if (v === undefined) return;
    const problem = identifierProblem(v, checkDigits, options.identifiers !== 'uri');
    if (problem) add(field, `${typeof v === 'string' ? v : JSON.stringify(v)} ${problem}`);
  };
  events.forEach((event, index) => {
    if (options.skip?.has(index)) return;
    eventIndex = index;
    const e = event as Record<string, unknown>;
    // EPCIS 2.0 allows extension event types, but only in a namespace (the schema's Extended-Event).
    if (!(EVENT_TYPES as readonly string[]).includes(String(e.type)) && !isNamespacedKey(String(e.type)))
      add('type', `unknown event type ${String(e.type)}`);
    dateTime('eventTime', e.eventTime);
    dateTime('recordTime', e.recordTime);
    if (
      e.eventTimeZoneOffset !== undefined &&
      !(typeof e.eventTimeZoneOffset === 'string' && OFFSET.test(e.eventTimeZoneOffset))
    )
      add('eventTimeZoneOffset', 'must be ±hh:mm between -14:00 and +14:00');
    termCheck('bizStep', e.bizStep, 'bizStep');
    termCheck('disposition', e.disposition, 'disposition');
    const pd = event.persistentDisposition;
    (pd?.set ?? []).forEach((v, i) => termCheck(`persistentDisposition.set[${i}]`, v, 'disposition'));
    (pd?.unset ?? []).forEach((v, i) => termCheck(`persistentDisposition.unset[${i}]`, v, 'disposition'));
    (event.bizTransactionList ?? []).forEach((b, i) => {
      termCheck(`bizTransactionList[${i}].type`, b.type, 'bizTransactionType');
      if (typeof b.bizTransaction !== 'string' || !ABSOLUTE_URI.test(b.bizTransaction))
        add(`bizTransactionList[${i}].bizTransaction`, 'must be an absolute URI');
    });
    (event.sourceList ?? []).forEach((s, i) => {
      termCheck(`sourceList[${i}].type`, s.type, 'sourceDestinationType');
      if (typeof s.source !== 'string' || !ABSOLUTE_URI.test(s.source))
        add(`sourceList[${i}].source`, 'must be an absolute URI');
    });
    (event.destinationList ?? []).forEach((d, i) => {
      termCheck(`destinationList[${i}].type`, d.type, 'sourceDestinationType');
      if (typeof d.destination !== 'string' || !ABSOLUTE_URI.test(d.destination))
        add(`destinationList[${i}].destination`, 'must be an absolute URI');
    });
    const declaration = event.errorDeclaration;
    if (declaration) {
      dateTime('errorDeclaration.declarationTime', declaration.declarationTime);
      termCheck('errorDeclaration.reason', declaration.reason, 'errorReason');
      extensionKeys('errorDeclaration', declaration, new Set(['declarationTime', 'reason', 'correctiveEventIDs']), add);
    }
    for (const list of ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList'] as const) {
      const values = e[list];
      if (Array.isArray(values)) values.forEach((v, i) => identifiers(`${list}[${i}]`, v));
    }
    identifiers('parentID', e.parentID);
    for (const list of ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList'] as const) {
      const values = e[list];
      if (!Array.isArray(values)) continue;
      values.forEach((q: Record<string, unknown>, i) => {
        identifiers(`${list}[${i}].epcClass`, q.epcClass);
        if (
          q.quantity !== undefined &&
          !(typeof q.quantity === 'number' && Number.isFinite(q.quantity) && q.quantity >= 0)
        )
          add(`${list}[${i}].quantity`, 'must be a non-negative number');
        if (q.uom !== undefined && !(typeof q.uom === 'string' && UOM.test(q.uom)))
          add(`${list}[${i}].uom`, 'must be a UN/CEFACT Rec 20 unit code');
        if (q.uom !== undefined && q.quantity === undefined) add(`${list}[${i}].uom`, 'needs a quantity');
      });
    }
    for (const loc of ['readPoint', 'bizLocation'] as const) {
      const l = event[loc];
      if (!l) continue;
      identifiers(`${loc}.id`, l.id);
      extensionKeys(loc, l, new Set(['id']), add);
    }
    if (e.ilmd !== undefined) {
      if (event.type !== 'ObjectEvent' && event.type !== 'TransformationEvent')
        add('ilmd', 'ILMD is only defined for ObjectEvent and TransformationEvent');
      else if (event.type === 'ObjectEvent' && event.action !== 'ADD' && !options.epcis12)
        add('ilmd', 'ILMD is only allowed with action ADD');
      if (e.ilmd && typeof e.ilmd === 'object')
        extensionKeys('ilmd', e.ilmd as Record<string, unknown>, new Set(), add);
    }
    (event.sensorElementList ?? []).forEach((element, i) => {
      const meta = element.sensorMetadata;
      if (meta) {
        for (const k of ['time', 'startTime', 'endTime'] as const)
          dateTime(`sensorElementList[${i}].sensorMetadata.${k}`, meta[k]);
        extensionKeys(`sensorElementList[${i}].sensorMetadata`, meta, SENSOR_METADATA_KEYS, add);
      }
      (element.sensorReport ?? []).forEach((r, j) => {
        const at = `sensorElementList[${i}].sensorReport[${j}]`;
        dateTime(`${at}.time`, r.time);
        termCheck(`${at}.component`, r.component, 'component');
        extensionKeys(at, r, SENSOR_REPORT_KEYS, add);
      });
      extensionKeys(`sensorElementList[${i}]`, element, new Set(['sensorMetadata', 'sensorReport']), add);
    });
    for (const key of Object.keys(e)) {
      if (!STANDARD_EVENT_FIELDS.has(key) && !isNamespacedKey(key))
        add(key, 'user extension fields must be namespaced (prefix:name)');
    }
    notXmlChars('', e, add);
  });
  return findings;
}

/**
 * Characters XML 1.0 cannot carry, even as character references: C0 controls other than tab, line feed and carriage
 * return, lone surrogates, U+FFFE and U+FFFF. JSON can escape them, but an event holding one could not be given in
 * EPCIS XML with the same hash, so it is refused whatever its syntax.
 */
const NOT_XML_CHAR =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function notXmlChars(at: string, value: unknown, add: (field: string, message: string) => void): void {
  // Nearly every event is clean: check it without building a field path for every value, and name the fields only
  // when there is something to report.
  if (hasNotXmlChar(value)) namedNotXmlChars(at, value, add);
}

function hasNotXmlChar(value: unknown): boolean {
  if (typeof value === 'string') return NOT_XML_CHAR.test(value);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (const v of value) if (hasNotXmlChar(v)) return true;
    return false;
  }
  for (const key in value) {
    if (NOT_XML_CHAR.test(key) || hasNotXmlChar((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

function namedNotXmlChars(at: string, value: unknown, add: (field: string, message: string) => void): void {
  if (typeof value === 'string') {
    if (NOT_XML_CHAR.test(value))
      add(at, 'contains a control character that EPCIS XML cannot carry (only tab, line feed and carriage return)');
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => namedNotXmlChars(`${at}[${i}]`, v, add));
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    const field = at === '' ? key : `${at}.${key}`;
    if (NOT_XML_CHAR.test(key)) add(field, 'the field name contains a character EPCIS XML cannot carry');
    namedNotXmlChars(field, v, add);
  }
}

function isNamespacedKey(key: string): boolean {
  return /^[^:\s]+:[^\s]+$/.test(key) || /^\{[^}]+\}.+$/.test(key);
}

function extensionKeys(
  at: string,
  obj: Record<string, unknown>,
  standard: Set<string>,
  add: (field: string, message: string) => void,
): void {
  for (const key of Object.keys(obj)) {
    if (standard.has(key) || key.startsWith('@') || key === '#text') continue;
    if (!isNamespacedKey(key)) add(`${at}.${key}`, 'user extension fields must be namespaced (prefix:name)');
  }
}

/** XSD 2.0 element sequences, used to refuse EPCIS 2.0 XML events whose standard elements are out of order. */
export const XSD_EVENT_SEQUENCE: Record<string, readonly string[]> = {
  ObjectEvent: [
    'epcList',
    'action',
    'bizStep',
    'disposition',
    'readPoint',
    'bizLocation',
    'bizTransactionList',
    'quantityList',
    'sourceList',
    'destinationList',
    'sensorElementList',
    'persistentDisposition',
    'ilmd',
  ],
  AggregationEvent: [
    'parentID',
    'childEPCs',
    'action',
    'bizStep',
    'disposition',
    'readPoint',
    'bizLocation',
    'bizTransactionList',
    'childQuantityList',
    'sourceList',
    'destinationList',
    'sensorElementList',
    'persistentDisposition',
  ],
  TransactionEvent: [
    'bizTransactionList',
    'parentID',
    'epcList',
    'action',
    'bizStep',
    'disposition',
    'readPoint',
    'bizLocation',
    'quantityList',
    'sourceList',
    'destinationList',
    'sensorElementList',
    'persistentDisposition',
  ],
  TransformationEvent: [
    'inputEPCList',
    'inputQuantityList',
    'outputEPCList',
    'outputQuantityList',
    'transformationID',
    'bizStep',
    'disposition',
    'readPoint',
    'bizLocation',
    'bizTransactionList',
    'sourceList',
    'destinationList',
    'sensorElementList',
    'persistentDisposition',
    'ilmd',
  ],
  AssociationEvent: [
    'parentID',
    'childEPCs',
    'childQuantityList',
    'action',
    'bizStep',
    'disposition',
    'readPoint',
    'bizLocation',
    'bizTransactionList',
    'sourceList',
    'destinationList',
    'sensorElementList',
    'persistentDisposition',
  ],
};
export const XSD_BASE_SEQUENCE = [
  'eventTime',
  'recordTime',
  'eventTimeZoneOffset',
  'eventID',
  'errorDeclaration',
  'certificationInfo',
] as const;
