import type { EpcisDocument, EpcisEvent, ExtensionValue, MasterData } from './model.ts';
import { EPCIS_QUERY_XML_NS_2, EPCIS_XML_NS_2, STANDARD_NAMESPACES } from './namespaces.ts';
import { XSD_BASE_SEQUENCE, XSD_EVENT_SEQUENCE } from './validation.ts';
import { toXmlTerm as toXmlTermIn, type VocabularyName } from './vocabulary.ts';

/** Text of a scalar model value. */
const str = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint'
      ? String(v)
      : JSON.stringify(v);
const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');

const SENSOR_TERMS: Partial<Record<string, VocabularyName>> = {
  type: 'measurementType',
  exception: 'sensorAlertType',
  component: 'component',
};

/**
 * The CBV spelling of the document being written. Writing is synchronous, so the setting lives for one call of
 * `writeEpcisXml` instead of being threaded through every helper.
 */
let cbvForm: 'webUri' | 'urn' = 'webUri';
const toXmlTerm = (value: string, vocabulary: VocabularyName) => toXmlTermIn(value, vocabulary, cbvForm);

export interface XmlWriteOptions {
  /** CBV values as Web URIs (default, `GS1-CBV-XML-Format: Always_Web_URI`) or as URNs (`Always_URN`). */
  cbvFormat?: 'webUri' | 'urn';
  /** Write an EPCISQueryDocument (QueryResults) instead of an EPCISDocument. */
  queryName?: string;
  subscriptionID?: string;
  creationDate?: string;
  masterData?: MasterData;
}

/**
 * Writes events as an EPCIS 2.0 XML document (EPCglobal-epcis-2_0.xsd element order, CBV values as Web URIs,
 * user extensions as elements in their namespaces, sensor data as attributes).
 */
export function writeEpcisXml(
  events: readonly EpcisEvent[],
  namespaces: Record<string, string>,
  options: XmlWriteOptions = {},
): string {
  const used = new Map<string, string>();
  cbvForm = options.cbvFormat ?? 'webUri';
  let body: string;
  try {
    body = events.map((e) => writeEvent(e, namespaces, used)).join('');
  } finally {
    cbvForm = 'webUri';
  }
  const header = options.masterData ? writeMasterData(options.masterData, namespaces, used) : '';
  const declarations = [...used.entries()].map(([p, uri]) => ` xmlns:${p}="${escapeAttr(uri)}"`).join('');
  const creationDate = options.creationDate ?? new Date().toISOString();
  if (options.queryName !== undefined) {
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n<epcisq:EPCISQueryDocument xmlns:epcisq="${EPCIS_QUERY_XML_NS_2}"` +
      `${declarations} schemaVersion="2.0" creationDate="${escapeAttr(creationDate)}">${header}<EPCISBody>` +
      `<epcisq:QueryResults><queryName>${escapeText(options.queryName)}</queryName>` +
      (options.subscriptionID !== undefined
        ? `<subscriptionID>${escapeText(options.subscriptionID)}</subscriptionID>`
        : '') +
      `<resultsBody><EventList>` +
      `${body}</EventList></resultsBody></epcisq:QueryResults></EPCISBody></epcisq:EPCISQueryDocument>\n`
    );
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<epcis:EPCISDocument xmlns:epcis="${EPCIS_XML_NS_2}"${declarations}` +
    ` schemaVersion="2.0" creationDate="${escapeAttr(creationDate)}">${header}<EPCISBody><EventList>${body}` +
    `</EventList></EPCISBody></epcis:EPCISDocument>\n`
  );
}

function qualified(key: string, namespaces: Record<string, string>, used: Map<string, string>): string {
  const colon = key.indexOf(':');
  if (colon <= 0) return key;
  const prefix = key.slice(0, colon);
  const uri = namespaces[prefix] ?? STANDARD_NAMESPACES[prefix];
  if (uri !== undefined) used.set(prefix, uri);
  return key;
}

function element(name: string, text: string): string {
  return `<${name}>${escapeText(text)}</${name}>`;
}

function writeEvent(event: EpcisEvent, ns: Record<string, string>, used: Map<string, string>): string {
  const e = event as Record<string, unknown>;
  const sequence = [...XSD_BASE_SEQUENCE, ...(XSD_EVENT_SEQUENCE[event.type] ?? [])];
  let out = `<${event.type}>`;
  for (const field of sequence) {
    const value = e[field];
    if (value === undefined || value === null) continue;
    out += writeField(field, value, ns, used);
  }
  for (const [key, value] of Object.entries(e)) {
    if (key === 'type' || key === '@context' || sequence.includes(key) || value === undefined) continue;
    out += writeExtension(key, value as ExtensionValue, ns, used);
  }
  return out + `</${event.type}>`;
}

function writeField(field: string, value: unknown, ns: Record<string, string>, used: Map<string, string>): string {
  switch (field) {
    case 'certificationInfo':
      return (Array.isArray(value) ? value : [value]).map((v) => element(field, str(v))).join('');
    case 'bizStep':
      return element(field, toXmlTerm(str(value), 'bizStep'));
    case 'disposition':
      return element(field, toXmlTerm(str(value), 'disposition'));
    case 'epcList':
    case 'childEPCs':
    case 'inputEPCList':
    case 'outputEPCList':
      return `<${field}>${(value as string[]).map((v) => element('epc', v)).join('')}</${field}>`;
    case 'quantityList':
    case 'childQuantityList':
    case 'inputQuantityList':
    case 'outputQuantityList':
      return (
        `<${field}>` +
        (value as Record<string, unknown>[])
          .map(
            (q) =>
              '<quantityElement>' +
              element('epcClass', str(q.epcClass)) +
              (q.quantity !== undefined ? element('quantity', str(q.quantity)) : '') +
              (q.uom !== undefined ? element('uom', str(q.uom)) : '') +
              '</quantityElement>',
          )
          .join('') +
        `</${field}>`
      );
    case 'persistentDisposition': {
      const pd = value as { set?: string[]; unset?: string[] };
      return (
        `<${field}>` +
        (pd.set ?? []).map((v) => element('set', toXmlTerm(v, 'disposition'))).join('') +
        (pd.unset ?? []).map((v) => element('unset', toXmlTerm(v, 'disposition'))).join('') +
        `</${field}>`
      );
    }
    case 'readPoint':
    case 'bizLocation': {
      const loc = value as Record<string, unknown>;
      let inner = loc.id !== undefined ? element('id', str(loc.id)) : '';
      for (const [k, v] of Object.entries(loc))
        if (k !== 'id') inner += writeExtension(k, v as ExtensionValue, ns, used);
      return `<${field}>${inner}</${field}>`;
    }
    case 'bizTransactionList':
      return (
        `<${field}>` +
        (value as { type?: string; bizTransaction: string }[])
          .map(
            (b) =>
              `<bizTransaction${b.type !== undefined ? ` type="${escapeAttr(toXmlTerm(b.type, 'bizTransactionType'))}"` : ''}>` +
              `${escapeText(b.bizTransaction)}</bizTransaction>`,
          )
          .join('') +
        `</${field}>`
      );
    case 'sourceList':
    case 'destinationList': {
      const name = field === 'sourceList' ? 'source' : 'destination';
      return (
        `<${field}>` +
        (value as Record<string, string>[])
          .map(
            (s) =>
              `<${name} type="${escapeAttr(toXmlTerm(s.type ?? '', 'sourceDestinationType'))}">${escapeText(s[name] ?? '')}</${name}>`,
          )
          .join('') +
        `</${field}>`
      );
    }
    case 'sensorElementList':
      return (
        `<${field}>` +
        (value as Record<string, unknown>[])
          .map((el) => {
            let inner = '';
            if (el.sensorMetadata)
              inner += sensorPart('sensorMetadata', el.sensorMetadata as Record<string, unknown>, ns, used);
            for (const r of (el.sensorReport as Record<string, unknown>[] | undefined) ?? [])
              inner += sensorPart('sensorReport', r, ns, used);
            for (const [k, v] of Object.entries(el))
              if (k !== 'sensorMetadata' && k !== 'sensorReport')
                inner += writeExtension(k, v as ExtensionValue, ns, used);
            return `<sensorElement>${inner}</sensorElement>`;
          })
          .join('') +
        `</${field}>`
      );
    case 'ilmd':
      return (
        `<ilmd>` +
        Object.entries(value as Record<string, ExtensionValue>)
          .map(([k, v]) => writeExtension(k, v, ns, used))
          .join('') +
        `</ilmd>`
      );
    case 'errorDeclaration': {
      const d = value as Record<string, unknown>;
      let inner = d.declarationTime !== undefined ? element('declarationTime', str(d.declarationTime)) : '';
      if (d.reason !== undefined) inner += element('reason', toXmlTerm(str(d.reason), 'errorReason'));
      if (Array.isArray(d.correctiveEventIDs))
        inner += `<correctiveEventIDs>${d.correctiveEventIDs.map((id) => element('correctiveEventID', str(id))).join('')}</correctiveEventIDs>`;
      for (const [k, v] of Object.entries(d))
        if (!['declarationTime', 'reason', 'correctiveEventIDs'].includes(k))
          inner += writeExtension(k, v as ExtensionValue, ns, used);
      return `<errorDeclaration>${inner}</errorDeclaration>`;
    }
    default:
      return element(field, str(value));
  }
}

function sensorPart(
  name: string,
  part: Record<string, unknown>,
  ns: Record<string, string>,
  used: Map<string, string>,
): string {
  let attributes = '';
  let children = '';
  for (const [k, v] of Object.entries(part)) {
    if (v === undefined) continue;
    if (v !== null && typeof v === 'object') {
      children += writeExtension(k, v as ExtensionValue, ns, used);
      continue;
    }
    const vocabulary = SENSOR_TERMS[k];
    const text = vocabulary && typeof v === 'string' ? toXmlTerm(v, vocabulary) : str(v);
    attributes += ` ${qualified(k, ns, used)}="${escapeAttr(text)}"`;
  }
  return children ? `<${name}${attributes}>${children}</${name}>` : `<${name}${attributes}/>`;
}

function writeExtension(
  key: string,
  value: ExtensionValue,
  ns: Record<string, string>,
  used: Map<string, string>,
): string {
  if (Array.isArray(value)) return value.map((v) => writeExtension(key, v, ns, used)).join('');
  const name = qualified(key, ns, used);
  if (value !== null && typeof value === 'object') {
    let attributes = '';
    let inner = '';
    for (const [k, v] of Object.entries(value)) {
      if (k === '#text') inner += escapeText(str(v));
      else if (k.startsWith('@')) attributes += ` ${k.slice(1)}="${escapeAttr(str(v))}"`;
      else inner += writeExtension(k, v, ns, used);
    }
    return `<${name}${attributes}>${inner}</${name}>`;
  }
  return `<${name}>${escapeText(str(value))}</${name}>`;
}

function writeMasterData(md: MasterData, ns: Record<string, string>, used: Map<string, string>): string {
  const vocabularies = md.vocabularyList
    .map(
      (v) =>
        `<Vocabulary type="${escapeAttr(v.type)}"><VocabularyElementList>` +
        v.vocabularyElementList
          .map(
            (el) =>
              `<VocabularyElement id="${escapeAttr(el.id)}">` +
              (el.attributes ?? [])
                .map((a) =>
                  typeof a.attribute === 'object'
                    ? `<attribute id="${escapeAttr(a.id)}">${Object.entries(
                        a.attribute as Record<string, ExtensionValue>,
                      )
                        .map(([k, val]) => writeExtension(k, val, ns, used))
                        .join('')}</attribute>`
                    : `<attribute id="${escapeAttr(a.id)}">${escapeText(String(a.attribute))}</attribute>`,
                )
                .join('') +
              (el.children?.length ? `<children>${el.children.map((c) => element('id', c)).join('')}</children>` : '') +
              '</VocabularyElement>',
          )
          .join('') +
        '</VocabularyElementList></Vocabulary>',
    )
    .join('');
  return `<EPCISHeader><extension><EPCISMasterData><VocabularyList>${vocabularies}</VocabularyList></EPCISMasterData></extension></EPCISHeader>`;
}

/** The JSON-LD document for events (EPCIS 2.0 §9), with a context entry for every non-standard prefix. */
export function buildJsonLdDocument(
  events: readonly EpcisEvent[],
  namespaces: Record<string, string>,
  options: XmlWriteOptions & { contextUrl?: string } = {},
): EpcisDocument {
  const extra: Record<string, string> = {};
  for (const [p, uri] of Object.entries(namespaces)) if (STANDARD_NAMESPACES[p] !== uri) extra[p] = uri;
  const context = [
    options.contextUrl ?? 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
    ...(Object.keys(extra).length ? [extra] : []),
  ];
  const creationDate = options.creationDate ?? new Date().toISOString();
  const header = options.masterData ? { epcisHeader: { epcisMasterData: options.masterData } } : {};
  if (options.queryName !== undefined)
    return {
      '@context': context,
      type: 'EPCISQueryDocument',
      schemaVersion: '2.0',
      creationDate,
      ...header,
      epcisBody: {
        queryResults: {
          queryName: options.queryName,
          ...(options.subscriptionID !== undefined ? { subscriptionID: options.subscriptionID } : {}),
          resultsBody: { eventList: [...events] },
        },
      },
    };
  return {
    '@context': context,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate,
    ...header,
    epcisBody: { eventList: [...events] },
  };
}
