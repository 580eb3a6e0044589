import type { Finding } from './errors.ts';

/**
 * The canonical EPCIS 2.0 event model: the JSON-LD shape of EPCIS 2.0 §9 / the EPCIS 2.0 JSON Schema, typed.
 * Standard CBV values are bare words (`bizStep: 'shipping'`), other values full URIs; identifiers are kept as
 * written (EPC URN or Digital Link). User extensions are `prefix:local` keys resolved through the document's
 * namespace map (`ParsedDocument.namespaces`).
 */

export type Action = 'ADD' | 'OBSERVE' | 'DELETE';
export const EVENT_TYPES = [
  'ObjectEvent',
  'AggregationEvent',
  'TransactionEvent',
  'TransformationEvent',
  'AssociationEvent',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** A user extension value: text, a number or boolean, nested elements, or a repetition of those. */
export type ExtensionValue = string | number | boolean | ExtensionObject | ExtensionValue[];
export interface ExtensionObject {
  [key: string]: ExtensionValue;
}

export interface QuantityElement {
  epcClass: string;
  quantity?: number;
  uom?: string;
}

export interface BizTransaction {
  type?: string;
  bizTransaction: string;
}
export interface Source {
  type: string;
  source: string;
}
export interface Destination {
  type: string;
  destination: string;
}

export interface Location {
  id: string;
  [extension: string]: ExtensionValue;
}

export interface PersistentDisposition {
  set?: string[];
  unset?: string[];
}

export interface ErrorDeclaration {
  declarationTime: string;
  reason?: string;
  correctiveEventIDs?: string[];
  [extension: string]: ExtensionValue | undefined;
}

export interface SensorMetadata {
  time?: string;
  startTime?: string;
  endTime?: string;
  deviceID?: string;
  deviceMetadata?: string;
  rawData?: string;
  dataProcessingMethod?: string;
  bizRules?: string;
  [extension: string]: ExtensionValue | undefined;
}

export interface SensorReport {
  type?: string;
  exception?: string;
  deviceID?: string;
  deviceMetadata?: string;
  rawData?: string;
  dataProcessingMethod?: string;
  time?: string;
  microorganism?: string;
  chemicalSubstance?: string;
  value?: number;
  component?: string;
  stringValue?: string;
  booleanValue?: boolean;
  hexBinaryValue?: string;
  uriValue?: string;
  minValue?: number;
  maxValue?: number;
  meanValue?: number;
  sDev?: number;
  percRank?: number;
  percValue?: number;
  uom?: string;
  coordinateReferenceSystem?: string;
  [extension: string]: ExtensionValue | undefined;
}

export interface SensorElement {
  sensorMetadata?: SensorMetadata;
  sensorReport: SensorReport[];
  [extension: string]: ExtensionValue | SensorMetadata | SensorReport[] | undefined;
}

/** Fields every event type may carry (EPCIS 2.0 §7.4.1). */
export interface EventCommon {
  eventTime: string;
  eventTimeZoneOffset: string;
  recordTime?: string;
  eventID?: string;
  certificationInfo?: string | string[];
  errorDeclaration?: ErrorDeclaration;
  bizStep?: string;
  disposition?: string;
  persistentDisposition?: PersistentDisposition;
  readPoint?: Location;
  bizLocation?: Location;
  bizTransactionList?: BizTransaction[];
  sourceList?: Source[];
  destinationList?: Destination[];
  sensorElementList?: SensorElement[];
  /** User extensions: `prefix:local` keys. */
  [extension: string]: unknown;
}

export interface ObjectEvent extends EventCommon {
  type: 'ObjectEvent';
  action: Action;
  epcList?: string[];
  quantityList?: QuantityElement[];
  ilmd?: ExtensionObject;
}
export interface AggregationEvent extends EventCommon {
  type: 'AggregationEvent';
  action: Action;
  parentID?: string;
  childEPCs?: string[];
  childQuantityList?: QuantityElement[];
}
export interface TransactionEvent extends EventCommon {
  type: 'TransactionEvent';
  action: Action;
  parentID?: string;
  epcList?: string[];
  quantityList?: QuantityElement[];
}
export interface TransformationEvent extends EventCommon {
  type: 'TransformationEvent';
  inputEPCList?: string[];
  inputQuantityList?: QuantityElement[];
  outputEPCList?: string[];
  outputQuantityList?: QuantityElement[];
  transformationID?: string;
  ilmd?: ExtensionObject;
}
export interface AssociationEvent extends EventCommon {
  type: 'AssociationEvent';
  action: Action;
  parentID?: string;
  childEPCs?: string[];
  childQuantityList?: QuantityElement[];
}

export type EpcisEvent = ObjectEvent | AggregationEvent | TransactionEvent | TransformationEvent | AssociationEvent;

/** EPCIS master data (EPCIS 2.0 §7.5): vocabularies with their elements, attributes and children. */
export interface VocabularyElement {
  id: string;
  attributes?: { id: string; attribute: ExtensionValue }[];
  children?: string[];
}
export interface MasterDataVocabulary {
  type: string;
  vocabularyElementList: VocabularyElement[];
}
export interface MasterData {
  vocabularyList: MasterDataVocabulary[];
}

export interface EpcisHeader {
  epcisMasterData?: MasterData;
  [other: string]: unknown;
}

/** An EPCISDocument or EPCISQueryDocument in its JSON-LD shape. */
export interface EpcisDocument {
  '@context'?: unknown;
  type: 'EPCISDocument' | 'EPCISQueryDocument';
  schemaVersion: string;
  creationDate: string;
  id?: string;
  epcisHeader?: EpcisHeader;
  epcisBody: {
    eventList?: EpcisEvent[];
    queryResults?: { queryName?: string; subscriptionID?: string; resultsBody: { eventList: EpcisEvent[] } };
  };
  [other: string]: unknown;
}

/** The result of parsing a document in either syntax. */
export interface ParsedDocument {
  document: EpcisDocument;
  events: EpcisEvent[];
  /** prefix → namespace URI for every extension prefix the events use (plus the standard ones). */
  namespaces: Record<string, string>;
  masterData?: MasterData;
  schemaVersion: string;
  /**
   * Event-level extensions, as `{namespace}local`, that the document asks to leave out of event hashes (a
   * document-level `ignoreFields` extension listing annotation fields such as a stored hash or capture id).
   */
  hashIgnoreFields?: string[];
  /** Findings that did not make the document invalid (e.g. lenient conversions); empty when none. */
  findings?: Finding[];
}

/** Fields that are not extensions; everything else on an event (a `prefix:local` key) is a user extension. */
export const STANDARD_EVENT_FIELDS: ReadonlySet<string> = new Set([
  'type',
  '@context',
  'eventTime',
  'eventTimeZoneOffset',
  'recordTime',
  'eventID',
  'certificationInfo',
  'errorDeclaration',
  'epcList',
  'parentID',
  'childEPCs',
  'inputEPCList',
  'outputEPCList',
  'quantityList',
  'childQuantityList',
  'inputQuantityList',
  'outputQuantityList',
  'transformationID',
  'action',
  'bizStep',
  'disposition',
  'persistentDisposition',
  'readPoint',
  'bizLocation',
  'bizTransactionList',
  'sourceList',
  'destinationList',
  'sensorElementList',
  'ilmd',
]);
