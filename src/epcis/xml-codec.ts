import { EpcisValidationError, type Finding } from './errors.ts';
import {
  EVENT_TYPES,
  type EpcisDocument,
  type EpcisEvent,
  type ExtensionObject,
  type ExtensionValue,
  type MasterData,
  type ParsedDocument,
  type QuantityElement,
  type VocabularyElement,
} from './model.ts';
import { EPCIS_XML_NS_1, EPCIS_XML_NS_2, STANDARD_NAMESPACES, XSI_NS } from './namespaces.ts';
import { XSD_BASE_SEQUENCE, XSD_EVENT_SEQUENCE } from './validation.ts';
import { toModelTerm, type VocabularyName } from './vocabulary.ts';
import { parseXmlTree, type XmlElement, type XmlLimits } from './xml-tree.ts';

const EPCIS_NAMESPACES = new Set([
  '',
  EPCIS_XML_NS_1,
  EPCIS_XML_NS_2,
  'urn:epcglobal:epcis-query:xsd:1',
  'urn:epcglobal:epcis-query:xsd:2',
  'urn:epcglobal:epcis-masterdata:xsd:1',
  'urn:epcglobal:epcis-masterdata:xsd:2',
]);
const isStandard = (el: { uri: string }) => EPCIS_NAMESPACES.has(el.uri);
const EVENT_TYPE_SET = new Set<string>(EVENT_TYPES);

/** Collects `prefix:local` names for extension elements and attributes, keeping one prefix per namespace. */
class NamespaceMap {
  readonly byPrefix: Record<string, string> = {};
  private readonly byUri = new Map<string, string>();

  key(uri: string, prefix: string, local: string): string {
    let p = this.byUri.get(uri);
    if (p === undefined) {
      p = prefix;
      const taken = (q: string) =>
        (this.byPrefix[q] !== undefined && this.byPrefix[q] !== uri) ||
        (STANDARD_NAMESPACES[q] !== undefined && STANDARD_NAMESPACES[q] !== uri);
      if (!p || taken(p)) {
        let i = 1;
        while (taken(`ns${i}`) || this.byPrefix[`ns${i}`] !== undefined) i++;
        p = `ns${i}`;
      }
      this.byPrefix[p] = uri;
      this.byUri.set(uri, p);
    }
    return `${p}:${local}`;
  }
}

/**
 * Reads an EPCIS 2.0 or 1.2 XML document (EPCISDocument or EPCISQueryDocument) into the canonical model. 1.2
 * `<extension>`/`<baseExtension>` wrappers are dissolved and CBV values in URN or Web-URI form become bare words.
 */
export function parseEpcisXml(
  text: string,
  limits?: XmlLimits,
  accept: 'document' | 'event' = 'document',
): ParsedDocument & { findings: Finding[]; orderFindings: Finding[] } {
  const root = parseXmlTree(text, limits);
  if (accept === 'event') return bareEvent(root);
  if (root.local !== 'EPCISDocument' && root.local !== 'EPCISQueryDocument')
    throw new EpcisValidationError([
      { field: root.local, message: 'root element must be EPCISDocument or EPCISQueryDocument', kind: 'schema' },
    ]);
  const ns = new NamespaceMap();
  const findings: Finding[] = [];
  const orderFindings: Finding[] = [];
  const schemaVersion = attr(root, 'schemaVersion') ?? (root.uri === EPCIS_XML_NS_1 ? '1.2' : '2.0');
  const creationDate = attr(root, 'creationDate') ?? '';
  const header = child(root, 'EPCISHeader');
  const masterData = header ? readMasterData(header, ns) : undefined;
  const body = child(root, 'EPCISBody');
  const eventContainers: XmlElement[] = [];
  let queryResults: XmlElement | undefined;
  if (root.local === 'EPCISQueryDocument') {
    queryResults = body ? deepChild(body, 'QueryResults') : undefined;
    // Some producers put QueryResults directly under the root.
    queryResults ??= child(root, 'QueryResults');
    if (!queryResults && !deepChild(root, 'resultsBody'))
      throw new EpcisValidationError([
        { field: 'QueryResults', message: 'an EPCISQueryDocument must carry QueryResults', kind: 'schema' },
      ]);
    const list = deepChild(queryResults ?? root, 'EventList');
    if (list) eventContainers.push(list);
  } else {
    const list = body ? child(body, 'EventList') : undefined;
    if (list) eventContainers.push(list);
  }
  if (!body && eventContainers.length === 0)
    throw new EpcisValidationError([{ field: 'EPCISBody', message: 'missing EPCISBody', kind: 'schema' }]);

  const events: EpcisEvent[] = [];
  const eventElements: XmlElement[] = [];
  const collect = (container: XmlElement) => {
    for (const el of container.children) {
      if (el.local === 'extension' && isStandard(el)) collect(el);
      else eventElements.push(el);
    }
  };
  eventContainers.forEach(collect);
  eventElements.forEach((el) => {
    const index = events.length;
    if (!isStandard(el) || !EVENT_TYPE_SET.has(el.local)) {
      throw new EpcisValidationError([
        { eventIndex: index, field: el.local, message: `unknown event type ${el.local}`, kind: 'schema' },
      ]);
    }
    events.push(readEvent(el, ns, index, findings));
    if (root.uri !== EPCIS_XML_NS_1) orderFindings.push(...sequenceFindings(el, index));
  });

  const document: EpcisDocument =
    root.local === 'EPCISQueryDocument'
      ? {
          type: 'EPCISQueryDocument',
          schemaVersion,
          creationDate,
          epcisBody: {
            queryResults: {
              queryName: queryResults ? text0(child(queryResults, 'queryName')) : undefined,
              subscriptionID: queryResults ? text0(child(queryResults, 'subscriptionID')) : undefined,
              resultsBody: { eventList: events },
            },
          },
        }
      : { type: 'EPCISDocument', schemaVersion, creationDate, epcisBody: { eventList: events } };
  if (masterData) document.epcisHeader = { epcisMasterData: masterData };
  const hashIgnoreFields = root.children
    .filter((c) => c.local === 'ignoreFields' && !isStandard(c))
    .flatMap((c) => c.children.map((f) => `{${f.uri}}${f.local}`));
  return {
    document,
    events,
    namespaces: ns.byPrefix,
    ...(masterData ? { masterData } : {}),
    schemaVersion,
    ...(hashIgnoreFields.length ? { hashIgnoreFields } : {}),
    findings,
    orderFindings,
  };
}

/** One event element as the root (a bare XML event, as in converter and hash tooling). */
function bareEvent(root: XmlElement): ParsedDocument & { findings: Finding[]; orderFindings: Finding[] } {
  if (!isStandard(root) || !EVENT_TYPE_SET.has(root.local))
    throw new EpcisValidationError([
      { field: root.local, message: 'the root element must be one of the EPCIS event types', kind: 'schema' },
    ]);
  const ns = new NamespaceMap();
  const findings: Finding[] = [];
  const events = [readEvent(root, ns, 0, findings)];
  const schemaVersion = attr(root, 'schemaVersion') ?? (root.uri === EPCIS_XML_NS_1 ? '1.2' : '2.0');
  return {
    document: {
      type: 'EPCISDocument',
      schemaVersion,
      creationDate: attr(root, 'creationDate') ?? '',
      epcisBody: { eventList: events },
    },
    events,
    namespaces: ns.byPrefix,
    schemaVersion,
    findings,
    orderFindings: root.uri === EPCIS_XML_NS_1 ? [] : sequenceFindings(root, 0),
  };
}

function attr(el: XmlElement, local: string): string | undefined {
  return el.attributes.find((a) => a.local === local && a.uri === '')?.value;
}
function child(el: XmlElement, local: string): XmlElement | undefined {
  return el.children.find((c) => c.local === local && isStandard(c));
}
function deepChild(el: XmlElement, local: string): XmlElement | undefined {
  for (const c of el.children) {
    if (c.local === local) return c;
    const found = deepChild(c, local);
    if (found) return found;
  }
  return undefined;
}
function text0(el: XmlElement | undefined): string | undefined {
  return el ? el.text.trim() : undefined;
}

/** The standard-namespace children with 1.2 `extension`/`baseExtension` wrappers dissolved, in document order. */
function flatten(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (isStandard(c) && (c.local === 'extension' || c.local === 'baseExtension')) out.push(...flatten(c));
    else out.push(c);
  }
  return out;
}

function readEvent(el: XmlElement, ns: NamespaceMap, index: number, findings: Finding[]): EpcisEvent {
  const event: Record<string, unknown> = { type: el.local };
  const certification: string[] = [];
  const extensions: XmlElement[] = [];
  for (const c of flatten(el)) {
    if (!isStandard(c)) {
      extensions.push(c);
      continue;
    }
    const text = c.text.trim();
    switch (c.local) {
      case 'eventTime':
      case 'recordTime':
      case 'eventTimeZoneOffset':
      case 'eventID':
      case 'action':
      case 'parentID':
      case 'transformationID':
        event[c.local] = text;
        break;
      case 'certificationInfo':
        certification.push(text);
        break;
      case 'bizStep':
        event.bizStep = toModelTerm(text, 'bizStep');
        break;
      case 'disposition':
        event.disposition = toModelTerm(text, 'disposition');
        break;
      case 'epcList':
      case 'childEPCs':
      case 'inputEPCList':
      case 'outputEPCList':
        event[c.local] = c.children.filter((e) => e.local === 'epc').map((e) => e.text.trim());
        break;
      case 'quantityList':
      case 'childQuantityList':
      case 'inputQuantityList':
      case 'outputQuantityList':
        event[c.local] = c.children.filter((q) => q.local === 'quantityElement').map(readQuantity);
        break;
      case 'persistentDisposition': {
        const set = c.children.filter((s) => s.local === 'set').map((s) => toModelTerm(s.text, 'disposition'));
        const unset = c.children.filter((s) => s.local === 'unset').map((s) => toModelTerm(s.text, 'disposition'));
        event.persistentDisposition = { ...(set.length ? { set } : {}), ...(unset.length ? { unset } : {}) };
        break;
      }
      case 'readPoint':
      case 'bizLocation': {
        const location: Record<string, ExtensionValue> = {};
        for (const part of flatten(c)) {
          if (isStandard(part) && part.local === 'id') location.id = part.text.trim();
          else if (!isStandard(part)) addExtension(location, part, ns);
        }
        event[c.local] = location;
        break;
      }
      case 'bizTransactionList':
        event.bizTransactionList = c.children
          .filter((b) => b.local === 'bizTransaction')
          .map((b) => {
            const type = attr(b, 'type');
            return {
              ...(type !== undefined ? { type: toModelTerm(type, 'bizTransactionType') } : {}),
              bizTransaction: b.text.trim(),
            };
          });
        break;
      case 'sourceList':
        event.sourceList = c.children
          .filter((s) => s.local === 'source')
          .map((s) => ({ type: toModelTerm(attr(s, 'type') ?? '', 'sourceDestinationType'), source: s.text.trim() }));
        break;
      case 'destinationList':
        event.destinationList = c.children
          .filter((s) => s.local === 'destination')
          .map((s) => ({
            type: toModelTerm(attr(s, 'type') ?? '', 'sourceDestinationType'),
            destination: s.text.trim(),
          }));
        break;
      case 'sensorElementList':
        event.sensorElementList = c.children.filter((s) => s.local === 'sensorElement').map((s) => readSensor(s, ns));
        break;
      case 'ilmd': {
        const ilmd: ExtensionObject = {};
        for (const part of flatten(c)) addExtension(ilmd, part, ns);
        event.ilmd = ilmd;
        break;
      }
      case 'errorDeclaration': {
        const declaration: Record<string, ExtensionValue> = {};
        for (const part of flatten(c)) {
          if (!isStandard(part)) addExtension(declaration, part, ns);
          else if (part.local === 'declarationTime') declaration.declarationTime = part.text.trim();
          else if (part.local === 'reason') declaration.reason = toModelTerm(part.text, 'errorReason');
          else if (part.local === 'correctiveEventIDs')
            declaration.correctiveEventIDs = part.children.map((x) => x.text.trim());
        }
        event.errorDeclaration = declaration;
        break;
      }
      default:
        findings.push({ eventIndex: index, field: c.local, message: 'unknown EPCIS element', kind: 'schema' });
    }
  }
  if (certification.length === 1) event.certificationInfo = certification[0];
  else if (certification.length > 1) event.certificationInfo = certification;
  for (const x of extensions) addExtension(event as Record<string, ExtensionValue>, x, ns);
  return event as unknown as EpcisEvent;
}

/** Standard elements of a 2.0 event that break the XSD sequence (base type first, then the event type's). */
function sequenceFindings(el: XmlElement, index: number): Finding[] {
  const sequence = [...XSD_BASE_SEQUENCE, ...(XSD_EVENT_SEQUENCE[el.local] ?? [])];
  const out: Finding[] = [];
  let last = -1;
  let lastName = '';
  for (const c of el.children) {
    if (!isStandard(c)) continue;
    const position = sequence.indexOf(c.local);
    if (position < 0) continue;
    if (position < last)
      out.push({
        eventIndex: index,
        field: c.local,
        message: `element out of the EPCIS 2.0 XSD sequence (after ${lastName})`,
        kind: 'schema',
      });
    else {
      last = position;
      lastName = c.local;
    }
  }
  return out;
}

function readQuantity(q: XmlElement): QuantityElement {
  const out: QuantityElement = { epcClass: '' };
  for (const c of q.children) {
    const t = c.text.trim();
    if (c.local === 'epcClass') out.epcClass = t;
    // An empty or xsi:nil quantity means "not given" (EPCIS 2.0 §7.3.3.3: quantity is optional).
    else if (c.local === 'quantity' && t !== '') out.quantity = Number(t);
    else if (c.local === 'uom' && t !== '') out.uom = t;
  }
  return out;
}

const SENSOR_NUMBERS = new Set(['value', 'minValue', 'maxValue', 'meanValue', 'sDev', 'percRank', 'percValue']);
const SENSOR_TERMS: Record<string, VocabularyName> = {
  type: 'measurementType',
  exception: 'sensorAlertType',
  component: 'component',
};

function sensorAttributes(el: XmlElement, ns: NamespaceMap): Record<string, ExtensionValue> {
  const out: Record<string, ExtensionValue> = {};
  for (const a of el.attributes) {
    if (a.uri === XSI_NS) continue;
    if (a.uri !== '') {
      out[ns.key(a.uri, a.prefix, a.local)] = a.value;
      continue;
    }
    const term = SENSOR_TERMS[a.local];
    if (SENSOR_NUMBERS.has(a.local) && a.value.trim() !== '' && Number.isFinite(Number(a.value)))
      out[a.local] = Number(a.value);
    else if (a.local === 'booleanValue') out[a.local] = a.value.trim() === 'true' || a.value.trim() === '1';
    else if (term) out[a.local] = toModelTerm(a.value, term);
    else out[a.local] = a.value;
  }
  for (const c of el.children) addExtension(out, c, ns);
  return out;
}

function readSensor(el: XmlElement, ns: NamespaceMap): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const reports: Record<string, ExtensionValue>[] = [];
  for (const c of flatten(el)) {
    if (isStandard(c) && c.local === 'sensorMetadata') out.sensorMetadata = sensorAttributes(c, ns);
    else if (isStandard(c) && c.local === 'sensorReport') reports.push(sensorAttributes(c, ns));
    else if (!isStandard(c)) addExtension(out as Record<string, ExtensionValue>, c, ns);
  }
  out.sensorReport = reports;
  return out;
}

/** Adds an extension element under its `prefix:local` key; a repeated key becomes an array. */
function addExtension(target: Record<string, ExtensionValue>, el: XmlElement, ns: NamespaceMap): void {
  const key = el.uri === '' ? el.local : ns.key(el.uri, el.prefix, el.local);
  const value = extensionValue(el, ns);
  const existing = target[key];
  if (existing === undefined) target[key] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else target[key] = [existing, value];
}

function extensionValue(el: XmlElement, ns: NamespaceMap): ExtensionValue {
  const attributes = el.attributes.filter((a) => a.uri !== XSI_NS);
  if (el.children.length === 0 && attributes.length === 0) return el.text.trim();
  const obj: ExtensionObject = {};
  for (const a of attributes) obj[a.uri === '' ? `@${a.local}` : ns.key(a.uri, a.prefix, a.local)] = a.value;
  for (const c of el.children) addExtension(obj, c, ns);
  if (el.children.length === 0 && el.text.trim() !== '') obj['#text'] = el.text.trim();
  return obj;
}

function childrenValue(el: XmlElement, ns: NamespaceMap): ExtensionObject {
  const obj: ExtensionObject = {};
  for (const c of el.children) addExtension(obj, c, ns);
  return obj;
}

function readMasterData(header: XmlElement, ns: NamespaceMap): MasterData | undefined {
  const md = deepChild(header, 'EPCISMasterData');
  const list = md ? deepChild(md, 'VocabularyList') : undefined;
  if (!list) return undefined;
  return {
    vocabularyList: list.children
      .filter((v) => v.local === 'Vocabulary')
      .map((v) => ({
        type: attr(v, 'type') ?? '',
        vocabularyElementList: (deepChild(v, 'VocabularyElementList')?.children ?? [])
          .filter((e) => e.local === 'VocabularyElement')
          .map((e): VocabularyElement => {
            const attributes = e.children
              .filter((a) => a.local === 'attribute')
              .map((a) => ({
                id: attr(a, 'id') ?? '',
                attribute: a.children.length > 0 ? childrenValue(a, ns) : a.text.trim(),
              }));
            const children = deepChild(e, 'children')?.children.map((c) => c.text.trim());
            return {
              id: attr(e, 'id') ?? '',
              ...(attributes.length ? { attributes } : {}),
              ...(children?.length ? { children } : {}),
            };
          }),
      })),
  };
}
