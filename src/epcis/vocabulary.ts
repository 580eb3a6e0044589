/**
 * CBV 2.0 standard vocabularies (CBV 2.0 §7) in their three spellings: the JSON bare word (`shipping`), the
 * EPCIS 1.x URN (`urn:epcglobal:cbv:bizstep:shipping`) and the Web URI (`https://ref.gs1.org/cbv/BizStep-shipping`).
 * The canonical model holds the bare word for standard terms and the full URI for anything else.
 */

export const BIZ_STEPS = [
  'accepting',
  'arriving',
  'assembling',
  'collecting',
  'commissioning',
  'consigning',
  'creating_class_instance',
  'cycle_counting',
  'decommissioning',
  'departing',
  'destroying',
  'disassembling',
  'dispensing',
  'encoding',
  'entering_exiting',
  'holding',
  'inspecting',
  'installing',
  'killing',
  'loading',
  'other',
  'packing',
  'picking',
  'receiving',
  'removing',
  'repackaging',
  'repairing',
  'replacing',
  'reserving',
  'retail_selling',
  'shipping',
  'staging_outbound',
  'stock_taking',
  'stocking',
  'storing',
  'transporting',
  'unloading',
  'unpacking',
  'void_shipping',
  'sensor_reporting',
  'sampling',
] as const;

export const DISPOSITIONS = [
  'active',
  'container_closed',
  'damaged',
  'destroyed',
  'dispensed',
  'disposed',
  'encoded',
  'expired',
  'in_progress',
  'in_transit',
  'inactive',
  'no_pedigree_match',
  'non_sellable_other',
  'partially_dispensed',
  'recalled',
  'reserved',
  'retail_sold',
  'returned',
  'sellable_accessible',
  'sellable_not_accessible',
  'stolen',
  'unknown',
  'available',
  'completeness_verified',
  'completeness_inferred',
  'conformant',
  'container_open',
  'mismatch_instance',
  'mismatch_class',
  'mismatch_quantity',
  'needs_replacement',
  'non_conformant',
  'unavailable',
] as const;

export const BIZ_TRANSACTION_TYPES = [
  'bol',
  'cert',
  'desadv',
  'inv',
  'pedigree',
  'po',
  'poc',
  'prodorder',
  'recadv',
  'rma',
  'testprd',
  'testres',
  'upevt',
] as const;

export const SOURCE_DESTINATION_TYPES = ['owning_party', 'possessing_party', 'location'] as const;
export const ERROR_REASONS = ['did_not_occur', 'incorrect_data'] as const;
export const COMPONENTS = [
  'x',
  'y',
  'z',
  'axial_distance',
  'azimuth',
  'height',
  'spherical_radius',
  'polar_angle',
  'elevation_angle',
  'easting',
  'northing',
  'latitude',
  'longitude',
  'altitude',
] as const;

export const MEASUREMENT_TYPES = [
  'AbsoluteHumidity',
  'AbsorbedDose',
  'AbsorbedDoseRate',
  'Acceleration',
  'Radioactivity',
  'Altitude',
  'AmountOfSubstance',
  'AmountOfSubstancePerUnitVolume',
  'Angle',
  'AngularAcceleration',
  'AngularMomentum',
  'AngularVelocity',
  'Area',
  'Capacitance',
  'Conductance',
  'Conductivity',
  'Count',
  'Density',
  'Dimensionless',
  'DoseEquivalent',
  'DoseEquivalentRate',
  'DynamicViscosity',
  'ElectricCharge',
  'ElectricCurrent',
  'ElectricCurrentDensity',
  'ElectricFieldStrength',
  'Energy',
  'Exposure',
  'Force',
  'Frequency',
  'Illuminance',
  'Inductance',
  'Irradiance',
  'KinematicViscosity',
  'Length',
  'LinearMomentum',
  'Luminance',
  'LuminousFlux',
  'LuminousIntensity',
  'MagneticFlux',
  'MagneticFluxDensity',
  'MagneticVectorPotential',
  'Mass',
  'MassConcentration',
  'MassFlowRate',
  'MassPerAreaTime',
  'MemoryCapacity',
  'MolalityOfSolute',
  'MolarEnergy',
  'MolarMass',
  'MolarVolume',
  'Power',
  'Pressure',
  'RadiantFlux',
  'RadiantIntensity',
  'RelativeHumidity',
  'Resistance',
  'Resistivity',
  'SolidAngle',
  'SpecificVolume',
  'Speed',
  'SurfaceDensity',
  'SurfaceTension',
  'Temperature',
  'Time',
  'Torque',
  'Voltage',
  'Volume',
  'VolumeFlowRate',
  'VolumeFraction',
  'VolumetricFlux',
  'Wavenumber',
] as const;
export const SENSOR_ALERT_TYPES = ['ALARM_CONDITION', 'ERROR_CONDITION'] as const;

export const CBV_WEB = 'https://ref.gs1.org/cbv/';
export const GS1_VOC = 'https://gs1.org/voc/';

/** A CBV code list: its bare words, Web URI prefix and URN prefix. */
export interface Vocabulary {
  readonly name: string;
  readonly terms: ReadonlySet<string>;
  /** Expanded form of a bare word, e.g. `https://ref.gs1.org/cbv/BizStep-`. */
  readonly webPrefix: string;
  /** The CURIE/XML form, e.g. `cbv:BizStep-`. */
  readonly curiePrefix: string;
  /** EPCIS 1.x URN prefix, when the list had one. */
  readonly urnPrefix?: string;
}

function vocabulary(
  name: string,
  terms: readonly string[],
  webPrefix: string,
  curiePrefix: string,
  urnPrefix?: string,
): Vocabulary {
  return { name, terms: new Set(terms), webPrefix, curiePrefix, urnPrefix };
}

export const VOCABULARIES = {
  bizStep: vocabulary('BizStep', BIZ_STEPS, `${CBV_WEB}BizStep-`, 'cbv:BizStep-', 'urn:epcglobal:cbv:bizstep:'),
  disposition: vocabulary('Disp', DISPOSITIONS, `${CBV_WEB}Disp-`, 'cbv:Disp-', 'urn:epcglobal:cbv:disp:'),
  bizTransactionType: vocabulary('BTT', BIZ_TRANSACTION_TYPES, `${CBV_WEB}BTT-`, 'cbv:BTT-', 'urn:epcglobal:cbv:btt:'),
  sourceDestinationType: vocabulary(
    'SDT',
    SOURCE_DESTINATION_TYPES,
    `${CBV_WEB}SDT-`,
    'cbv:SDT-',
    'urn:epcglobal:cbv:sdt:',
  ),
  errorReason: vocabulary('ER', ERROR_REASONS, `${CBV_WEB}ER-`, 'cbv:ER-', 'urn:epcglobal:cbv:er:'),
  component: vocabulary('Comp', COMPONENTS, `${CBV_WEB}Comp-`, 'cbv:Comp-'),
  measurementType: vocabulary('MeasurementType', MEASUREMENT_TYPES, GS1_VOC, 'gs1:'),
  sensorAlertType: vocabulary('SensorAlertType', SENSOR_ALERT_TYPES, GS1_VOC, 'gs1:'),
} as const;

export type VocabularyName = keyof typeof VOCABULARIES;

/**
 * The model form of a CBV value written in any of its spellings: the bare word for a standard term, otherwise the
 * Web URI for values in a CBV namespace (URN or CURIE spelling), otherwise the value unchanged.
 */
export function toModelTerm(value: string, vocabularyName: VocabularyName): string {
  const v = VOCABULARIES[vocabularyName];
  const trimmed = value.trim();
  if (v.terms.has(trimmed)) return trimmed;
  let local: string | undefined;
  if (v.urnPrefix && trimmed.startsWith(v.urnPrefix)) local = trimmed.slice(v.urnPrefix.length);
  else if (trimmed.startsWith(v.webPrefix)) local = trimmed.slice(v.webPrefix.length);
  else if (trimmed.startsWith(v.curiePrefix)) local = trimmed.slice(v.curiePrefix.length);
  else if (v.webPrefix === GS1_VOC && trimmed.startsWith('https://www.gs1.org/voc/'))
    local = trimmed.slice('https://www.gs1.org/voc/'.length);
  if (local === undefined) return trimmed;
  if (v.terms.has(local)) return local;
  // A non-standard term in a GS1 namespace keeps a spelling the JSON binding accepts.
  return v.webPrefix === GS1_VOC ? `gs1:${local}` : v.webPrefix + local;
}

/** The full URI of a model value (bare word → Web URI; CURIEs `cbv:`/`gs1:` expanded). */
export function expandTerm(value: string, vocabularyName: VocabularyName): string {
  const v = VOCABULARIES[vocabularyName];
  if (v.terms.has(value)) return v.webPrefix + value;
  // Sensor types and alerts are GS1 Web Vocabulary terms: a bare word there is read against it.
  if (v.webPrefix === GS1_VOC && !value.includes(':')) return GS1_VOC + value;
  return expandCurie(value);
}

/**
 * The XML spelling of a model value: a standard bare word as its Web URI (or, with `form: 'urn'`, as its EPCIS 1.x
 * URN where the code list has one; `GS1-CBV-XML-Format: Always_URN`), anything else unchanged.
 */
export function toXmlTerm(value: string, vocabularyName: VocabularyName, form: 'webUri' | 'urn' = 'webUri'): string {
  const v = VOCABULARIES[vocabularyName];
  if (v.terms.has(value) && form === 'urn' && v.urnPrefix) return v.urnPrefix + value;
  if (v.terms.has(value)) return v.webPrefix === GS1_VOC ? `gs1:${value}` : v.webPrefix + value;
  if (v.webPrefix === GS1_VOC && !value.includes(':')) return `gs1:${value}`;
  return value;
}

/** True when a bare word (no scheme) is a term of the vocabulary; URIs are always acceptable here. */
export function isStandardTermOrUri(value: string, vocabularyName: VocabularyName): boolean {
  return VOCABULARIES[vocabularyName].terms.has(value) || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value);
}

export function expandCurie(value: string): string {
  if (value.startsWith('cbv:')) return CBV_WEB + value.slice(4);
  if (value.startsWith('gs1:')) return GS1_VOC + value.slice(4);
  return value;
}

/** Replaces EPCIS 1.x CBV URN prefixes by the CBV 2.0 Web URI prefixes (CBV 2.0 §8.9, rule for legacy values). */
export function cbvUrnToWebUri(value: string): string {
  if (!value.startsWith('urn:epcglobal:cbv:')) return value;
  for (const v of Object.values(VOCABULARIES)) {
    if (v.urnPrefix && value.startsWith(v.urnPrefix)) return v.webPrefix + value.slice(v.urnPrefix.length);
  }
  return value;
}
