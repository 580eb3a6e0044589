import { identifierKeyParts } from './event-index.ts';
import { toModelTerm, type VocabularyName } from './vocabulary.ts';

/**
 * EPCIS 2.0 §8.2.7.1 SimpleEventQuery parameters (as the REST binding passes them in the URL) turned into typed
 * filters, pure and database-agnostic; `query.repository.ts` turns the filters into SQL. Unknown or malformed
 * parameters raise `QueryParameterError` (the binding's QueryParameterException).
 */

export class QueryParameterError extends Error {
  override readonly name = 'QueryParameterError';
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

export type EpcRoleGroup =
  'epc' | 'parent' | 'input' | 'output' | 'any' | 'epcClass' | 'inputClass' | 'outputClass' | 'anyClass';

/** How one identifier value matches stored identifiers. */
export type EpcMatcher =
  | { readonly kind: 'exact'; readonly value: string }
  | { readonly kind: 'gtin'; readonly gtin: string; readonly lot?: string }
  | { readonly kind: 'companyPrefix'; readonly scheme: 'gtin'; readonly prefix: string };

export type Comparison = '=' | '>' | '>=' | '<' | '<=';

/** A JSON location in the event document where a field filter applies. */
export type FieldScope =
  | 'top'
  | 'inner'
  | 'ilmd'
  | 'innerIlmd'
  | 'errorDeclaration'
  | 'innerErrorDeclaration'
  | 'readPoint'
  | 'innerReadPoint'
  | 'bizLocation'
  | 'innerBizLocation'
  | 'sensorElement'
  | 'sensorMetadata'
  | 'sensorReport'
  | 'innerSensorElement'
  | 'innerSensorMetadata'
  | 'innerSensorReport';

export type QueryFilter =
  | { readonly kind: 'eventType'; readonly values: readonly string[] }
  | {
      readonly kind: 'time';
      readonly column: 'event_time' | 'record_time' | 'error_declaration_time';
      readonly op: '>=' | '<';
      readonly value: string;
    }
  | {
      readonly kind: 'column';
      readonly column:
        | 'action'
        | 'biz_step'
        | 'disposition'
        | 'read_point'
        | 'biz_location'
        | 'transformation_id'
        | 'event_id'
        | 'error_reason';
      readonly values: readonly string[];
    }
  | { readonly kind: 'within'; readonly column: 'read_point' | 'biz_location'; readonly values: readonly string[] }
  | { readonly kind: 'epc'; readonly roles: EpcRoleGroup; readonly matchers: readonly EpcMatcher[] }
  | { readonly kind: 'quantity'; readonly op: Comparison; readonly value: number; readonly uom: string | null }
  | {
      readonly kind: 'link';
      readonly link: 'bizTransaction' | 'source' | 'destination' | 'correctiveEventID';
      readonly type: string | null;
      readonly values: readonly string[];
    }
  | { readonly kind: 'exists'; readonly path: string }
  | { readonly kind: 'persistentDisposition'; readonly which: 'set' | 'unset'; readonly values: readonly string[] }
  | {
      readonly kind: 'field';
      readonly scope: FieldScope;
      readonly name: string;
      readonly op: Comparison;
      readonly values: readonly (string | number)[];
    }
  | { readonly kind: 'fieldExists'; readonly scope: FieldScope; readonly name: string }
  | {
      readonly kind: 'sensor';
      readonly target: 'report' | 'metadata';
      readonly field: string;
      readonly op: Comparison;
      readonly values: readonly (string | number | boolean)[];
      readonly uom?: string;
    }
  | {
      readonly kind: 'attribute';
      readonly column: 'read_point' | 'biz_location' | 'biz_step' | 'disposition';
      readonly attribute: string;
      readonly values: readonly string[] | null;
    };

export interface EventQuery {
  readonly filters: readonly QueryFilter[];
  readonly orderBy: 'eventTime' | 'recordTime' | null;
  readonly orderDirection: 'ASC' | 'DESC';
  readonly eventCountLimit: number | null;
  readonly maxEventCount: number | null;
}

/** Raw parameters: each name to its values (repeated parameters and `|`-separated values both mean OR). */
export type RawParams = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Names that belong to paging and content negotiation, not to the query itself. */
const NON_QUERY = new Set(['nextPageToken', 'perPage', 'format', 'onBehalfOf']);

const EVENT_TYPES = new Set([
  'ObjectEvent',
  'AggregationEvent',
  'TransactionEvent',
  'TransformationEvent',
  'AssociationEvent',
]);

/**
 * CBV 2.0: standard values are bare words in JSON and in the repository; queries may use the URN
 * (`urn:epcglobal:cbv:bizstep:shipping`, vocabulary name in any case) or Web URI forms.
 */
export function normaliseCbvValue(vocabulary: VocabularyName, value: string): string {
  const urn = /^(urn:epcglobal:cbv:[a-z]+:)(.+)$/i.exec(value);
  return toModelTerm(urn ? urn[1]!.toLowerCase() + urn[2]! : value, vocabulary);
}

function valuesOf(raw: string | readonly string[] | undefined): string[] {
  const list = raw === undefined ? [] : typeof raw === 'string' ? [raw] : [...raw];
  return list.flatMap((v) => v.split('|')).filter((v) => v !== '');
}

function single(name: string, raw: string | readonly string[] | undefined): string {
  const values = valuesOf(raw);
  if (values.length !== 1) throw new QueryParameterError(name, `${name} takes exactly one value`);
  return values[0]!;
}

function timeValue(name: string, raw: string | readonly string[] | undefined): string {
  const value = single(name, raw);
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
    Number.isNaN(Date.parse(value))
  ) {
    throw new QueryParameterError(name, `${name} must be a date-time with a time zone, e.g. 2026-05-01T00:00:00+07:00`);
  }
  return value;
}

function numberValue(name: string, raw: string | readonly string[] | undefined): number {
  const value = Number(single(name, raw));
  if (!Number.isFinite(value)) throw new QueryParameterError(name, `${name} must be a number`);
  return value;
}

function positiveInt(name: string, raw: string | readonly string[] | undefined): number {
  const value = numberValue(name, raw);
  if (!Number.isInteger(value) || value < 1) throw new QueryParameterError(name, `${name} must be a positive integer`);
  return value;
}

/** An identifier or identifier pattern (EPC `idpat` URN, `*` in a Digital Link) → how to match it. */
export function epcMatcher(name: string, value: string): EpcMatcher {
  const idpat = /^urn:epc:idpat:(sgtin|lgtin):([0-9]+)\.(\*|[0-9]+)\.(\*|.+)$/.exec(value);
  if (idpat) {
    const [, scheme, companyPrefix, itemRef, last] = idpat as unknown as [string, string, string, string, string];
    if (itemRef === '*') {
      if (last !== '*') throw new QueryParameterError(name, `Invalid EPC pattern ${value}`);
      return { kind: 'companyPrefix', scheme: 'gtin', prefix: companyPrefix };
    }
    const base = identifierKeyParts(`urn:epc:idpat:sgtin:${companyPrefix}.${itemRef}.*`).gtin;
    if (!base) throw new QueryParameterError(name, `Invalid EPC pattern ${value}`);
    if (last === '*') return { kind: 'gtin', gtin: base };
    if (scheme === 'lgtin') return { kind: 'gtin', gtin: base, lot: decodeURIComponent(last) };
    return {
      kind: 'exact',
      value: identifierKeyParts(`urn:epc:id:sgtin:${companyPrefix}.${itemRef}.${last}`).canonical,
    };
  }
  if (/^https?:\/\//i.test(value) && value.includes('*')) {
    const m = /\/01\/(\d{14}|\d{13}|\d{12}|\d{8})(?:\/(10|21)\/(\*|[^/?#]+))?(?:\/21\/\*)?\/?(?:[?#].*)?$/.exec(value);
    if (m) {
      const gtin = m[1]!.padStart(14, '0');
      if (m[2] === '10' && m[3] !== '*') return { kind: 'gtin', gtin, lot: decodeURIComponent(m[3]!) };
      return { kind: 'gtin', gtin };
    }
    throw new QueryParameterError(name, `Invalid Digital Link pattern ${value}`);
  }
  if (value.includes('*') && value.startsWith('urn:epc:'))
    throw new QueryParameterError(name, `Unsupported EPC pattern ${value}`);
  return { kind: 'exact', value: identifierKeyParts(value).canonical };
}

const MATCH_ROLES: Record<string, EpcRoleGroup> = {
  MATCH_epc: 'epc',
  MATCH_parentID: 'parent',
  MATCH_inputEPC: 'input',
  MATCH_outputEPC: 'output',
  MATCH_anyEPC: 'any',
  MATCH_epcClass: 'epcClass',
  MATCH_inputEPCClass: 'inputClass',
  MATCH_outputEPCClass: 'outputClass',
  MATCH_anyEPCClass: 'anyClass',
};

const OPS: Record<string, Comparison> = { EQ: '=', GT: '>', GE: '>=', LT: '<', LE: '<=' };

const SCOPES: Record<string, FieldScope> = {
  '': 'top',
  INNER_: 'inner',
  ILMD_: 'ilmd',
  INNER_ILMD_: 'innerIlmd',
  ERROR_DECLARATION_: 'errorDeclaration',
  INNER_ERROR_DECLARATION_: 'innerErrorDeclaration',
  SENSORELEMENT_: 'sensorElement',
  SENSORMETADATA_: 'sensorMetadata',
  SENSORREPORT_: 'sensorReport',
  INNER_SENSORELEMENT_: 'innerSensorElement',
  INNER_SENSORMETADATA_: 'innerSensorMetadata',
  INNER_SENSORREPORT_: 'innerSensorReport',
  readPoint_: 'readPoint',
  INNER_readPoint_: 'innerReadPoint',
  bizLocation_: 'bizLocation',
  INNER_bizLocation_: 'innerBizLocation',
};

/** Sensor-report fields that the standard names directly (`EQ_type`, `EQ_deviceID` …) → their JSON member. */
const SENSOR_REPORT_EQ: Record<string, string> = {
  type: 'type',
  deviceID: 'deviceID',
  dataProcessingMethod: 'dataProcessingMethod',
  microorganism: 'microorganism',
  chemicalSubstance: 'chemicalSubstance',
  stringValue: 'stringValue',
  booleanValue: 'booleanValue',
  hexBinaryValue: 'hexBinaryValue',
  uriValue: 'uriValue',
};
const SENSOR_METADATA_EQ: Record<string, string> = { bizRules: 'bizRules' };
const SENSOR_METADATA_TIMES: Record<string, string> = { startTime: 'startTime', endTime: 'endTime' };
const SENSOR_REPORT_NUMBERS = new Set(['value', 'minValue', 'maxValue', 'meanValue', 'sDev', 'percValue']);

/** Event fields whose values are master-data vocabulary elements (EPCIS 2.0 §8.2.7.1 HASATTR / EQATTR). */
const ATTRIBUTE_FIELDS: Record<string, 'read_point' | 'biz_location' | 'biz_step' | 'disposition'> = {
  readPoint: 'read_point',
  bizLocation: 'biz_location',
  bizStep: 'biz_step',
  disposition: 'disposition',
};

const EXTENSION_NAME = /^[A-Za-z][A-Za-z0-9]*:[\w.-]+$/;

function scalar(value: string): string | number {
  return /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value) ? Number(value) : value;
}

/** Parses the query parameters of `GET /events` (and of named queries) into an EventQuery. */
export function parseEventQuery(params: RawParams): EventQuery {
  const filters: QueryFilter[] = [];
  let orderBy: EventQuery['orderBy'] = null;
  let orderDirection: EventQuery['orderDirection'] = 'DESC';
  let eventCountLimit: number | null = null;
  let maxEventCount: number | null = null;

  for (const [name, raw] of Object.entries(params)) {
    if (raw === undefined || NON_QUERY.has(name)) continue;
    const values = valuesOf(raw);
    if (values.length === 0) throw new QueryParameterError(name, `${name} has no value`);
    let m: RegExpExecArray | null;

    switch (name) {
      case 'eventType':
        for (const v of values) if (!EVENT_TYPES.has(v)) throw new QueryParameterError(name, `Unknown event type ${v}`);
        filters.push({ kind: 'eventType', values });
        continue;
      case 'GE_eventTime':
      case 'LT_eventTime':
        filters.push({
          kind: 'time',
          column: 'event_time',
          op: name.startsWith('GE') ? '>=' : '<',
          value: timeValue(name, raw),
        });
        continue;
      case 'GE_recordTime':
      case 'LT_recordTime':
        filters.push({
          kind: 'time',
          column: 'record_time',
          op: name.startsWith('GE') ? '>=' : '<',
          value: timeValue(name, raw),
        });
        continue;
      case 'GE_errorDeclarationTime':
      case 'LT_errorDeclarationTime':
      case 'GE_errorDeclaration_Time':
      case 'LT_errorDeclaration_Time':
        filters.push({
          kind: 'time',
          column: 'error_declaration_time',
          op: name.startsWith('GE') ? '>=' : '<',
          value: timeValue(name, raw),
        });
        continue;
      case 'EQ_action':
        for (const v of values)
          if (!['ADD', 'OBSERVE', 'DELETE'].includes(v)) throw new QueryParameterError(name, `Unknown action ${v}`);
        filters.push({ kind: 'column', column: 'action', values });
        continue;
      case 'EQ_bizStep':
        filters.push({
          kind: 'column',
          column: 'biz_step',
          values: values.map((v) => normaliseCbvValue('bizStep', v)),
        });
        continue;
      case 'EQ_disposition':
        filters.push({
          kind: 'column',
          column: 'disposition',
          values: values.map((v) => normaliseCbvValue('disposition', v)),
        });
        continue;
      case 'EQ_errorReason':
        filters.push({
          kind: 'column',
          column: 'error_reason',
          values: values.map((v) => normaliseCbvValue('errorReason', v)),
        });
        continue;
      case 'EQ_readPoint':
      case 'EQ_bizLocation':
        filters.push({
          kind: 'column',
          column: name === 'EQ_readPoint' ? 'read_point' : 'biz_location',
          values: values.map((v) => identifierKeyParts(v).canonical),
        });
        continue;
      case 'WD_readPoint':
      case 'WD_bizLocation':
        filters.push({
          kind: 'within',
          column: name === 'WD_readPoint' ? 'read_point' : 'biz_location',
          values: values.map((v) => identifierKeyParts(v).canonical),
        });
        continue;
      case 'EQ_transformationID':
        filters.push({ kind: 'column', column: 'transformation_id', values });
        continue;
      case 'EQ_eventID':
        filters.push({ kind: 'column', column: 'event_id', values });
        continue;
      case 'EQ_correctiveEventID':
        filters.push({ kind: 'link', link: 'correctiveEventID', type: null, values });
        continue;
      case 'EXISTS_errorDeclaration':
        filters.push({ kind: 'exists', path: '$.errorDeclaration' });
        continue;
      case 'EXISTS_sensorElementList':
        filters.push({ kind: 'exists', path: '$.sensorElementList[*]' });
        continue;
      case 'EQ_persistentDisposition_set':
      case 'EQ_persistentDisposition_unset':
        filters.push({
          kind: 'persistentDisposition',
          which: name.endsWith('_set') ? 'set' : 'unset',
          values: values.map((v) => normaliseCbvValue('disposition', v)),
        });
        continue;
      case 'EQ_quantity':
      case 'GT_quantity':
      case 'GE_quantity':
      case 'LT_quantity':
      case 'LE_quantity':
        filters.push({ kind: 'quantity', op: OPS[name.slice(0, 2)]!, value: numberValue(name, raw), uom: null });
        continue;
      case 'orderBy': {
        const v = single(name, raw);
        if (v !== 'eventTime' && v !== 'recordTime')
          throw new QueryParameterError(name, 'orderBy must be eventTime or recordTime');
        orderBy = v;
        continue;
      }
      case 'orderDirection': {
        const v = single(name, raw);
        if (v !== 'ASC' && v !== 'DESC') throw new QueryParameterError(name, 'orderDirection must be ASC or DESC');
        orderDirection = v;
        continue;
      }
      case 'eventCountLimit':
        eventCountLimit = positiveInt(name, raw);
        continue;
      case 'maxEventCount':
        maxEventCount = positiveInt(name, raw);
        continue;
      default:
        break;
    }

    if (name in MATCH_ROLES) {
      filters.push({ kind: 'epc', roles: MATCH_ROLES[name]!, matchers: values.map((v) => epcMatcher(name, v)) });
      continue;
    }
    if ((m = /^(EQ|GT|GE|LT|LE)_quantity_([A-Z0-9]{2,4})$/.exec(name))) {
      filters.push({ kind: 'quantity', op: OPS[m[1]!]!, value: numberValue(name, raw), uom: m[2]! });
      continue;
    }
    if ((m = /^EQ_bizTransaction_(.+)$/.exec(name))) {
      filters.push({
        kind: 'link',
        link: 'bizTransaction',
        type: normaliseCbvValue('bizTransactionType', m[1]!),
        values: values.map((v) => identifierKeyParts(v).canonical),
      });
      continue;
    }
    if ((m = /^EQ_(source|destination)_(.+)$/.exec(name))) {
      filters.push({
        kind: 'link',
        link: m[1] as 'source' | 'destination',
        type: normaliseCbvValue('sourceDestinationType', m[2]!),
        values: values.map((v) => identifierKeyParts(v).canonical),
      });
      continue;
    }
    if (
      (m =
        /^EQ_(type|deviceID|dataProcessingMethod|microorganism|chemicalSubstance|stringValue|booleanValue|hexBinaryValue|uriValue)$/.exec(
          name,
        ))
    ) {
      const field = SENSOR_REPORT_EQ[m[1]!]!;
      filters.push({
        kind: 'sensor',
        target: 'report',
        field,
        op: '=',
        values: field === 'booleanValue' ? values.map((v) => v === 'true') : values,
      });
      continue;
    }
    if (name === 'EQ_bizRules') {
      filters.push({ kind: 'sensor', target: 'metadata', field: SENSOR_METADATA_EQ.bizRules!, op: '=', values });
      continue;
    }
    if ((m = /^(GE|LT)_(time|startTime|endTime)$/.exec(name))) {
      const field = m[2]!;
      filters.push({
        kind: 'sensor',
        target: field === 'time' ? 'report' : 'metadata',
        field: SENSOR_METADATA_TIMES[field] ?? 'time',
        op: OPS[m[1]!]!,
        values: [timeValue(name, raw)],
      });
      continue;
    }
    if ((m = /^(GT|GE|LT|LE)_percRank$/.exec(name))) {
      filters.push({
        kind: 'sensor',
        target: 'report',
        field: 'percRank',
        op: OPS[m[1]!]!,
        values: [numberValue(name, raw)],
      });
      continue;
    }
    if ((m = /^(EQ|GT|GE|LT|LE)_(value|minValue|maxValue|meanValue|sDev|percValue)_([A-Z0-9]{2,4})$/.exec(name))) {
      if (!SENSOR_REPORT_NUMBERS.has(m[2]!)) throw new QueryParameterError(name, `Unknown sensor parameter ${name}`);
      filters.push({
        kind: 'sensor',
        target: 'report',
        field: m[2]!,
        op: OPS[m[1]!]!,
        values: [numberValue(name, raw)],
        uom: m[3]!,
      });
      continue;
    }
    if ((m = /^(?:EQATTR|EQ_ATTR)_(readPoint|bizLocation|bizStep|disposition)_(.+)$/.exec(name))) {
      filters.push({ kind: 'attribute', column: ATTRIBUTE_FIELDS[m[1]!]!, attribute: m[2]!, values });
      continue;
    }
    if ((m = /^HASATTR_(readPoint|bizLocation|bizStep|disposition)$/.exec(name))) {
      for (const attribute of values)
        filters.push({ kind: 'attribute', column: ATTRIBUTE_FIELDS[m[1]!]!, attribute, values: null });
      continue;
    }
    if (
      (m = /^EXISTS_((?:INNER_)?(?:ILMD_|ERROR_DECLARATION_|SENSORELEMENT_|SENSORMETADATA_|SENSORREPORT_)?)(.+)$/.exec(
        name,
      ))
    ) {
      const scope = SCOPES[m[1]!];
      if (scope && EXTENSION_NAME.test(m[2]!)) {
        filters.push({ kind: 'fieldExists', scope, name: m[2]! });
        continue;
      }
    }
    if (
      (m =
        /^(EQ|GT|GE|LT|LE)_((?:INNER_)?(?:ILMD_|ERROR_DECLARATION_|SENSORELEMENT_|SENSORMETADATA_|SENSORREPORT_|readPoint_|bizLocation_)?)(.+)$/.exec(
          name,
        ))
    ) {
      const scope = SCOPES[m[2]!];
      if (scope && EXTENSION_NAME.test(m[3]!)) {
        const op = OPS[m[1]!]!;
        filters.push({
          kind: 'field',
          scope,
          name: m[3]!,
          op,
          values: op === '=' ? values.map(scalar) : [scalar(single(name, raw))],
        });
        continue;
      }
    }
    throw new QueryParameterError(name, `Unknown query parameter ${name}`);
  }
  return { filters, orderBy, orderDirection, eventCountLimit, maxEventCount };
}
