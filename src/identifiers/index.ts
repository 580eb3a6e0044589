/**
 * The identifiers capability: GS1 keys, the Application Identifier table generated from the GS1 Barcode Syntax
 * Dictionary, element strings, GS1 Digital Link (parse, build, canonical form, compression), EPC URN ⇄ Digital
 * Link, and barcode rendering. Other capabilities import only from here.
 */
export * from './epc.ts';
// The full canonical Digital Link (all qualifiers and attributes) is the capability's `canonicalDigitalLink`; the
// CBV 2.0 §8.9 event-hash form (finest key level only) is exported as `constrainedCanonicalDigitalLink`.
export { canonicalDigitalLink as constrainedCanonicalDigitalLink } from './epc.ts';
export {
  aiAtStartOf,
  aiMatchesPattern,
  aiTable,
  fixedValueLength,
  lookupAi,
  maxValueLength,
  SYNTAX_DICTIONARY_RELEASE,
  type AiCharacterSet,
  type AiComponentSpec,
  type AiEntrySpec,
} from './ai-table.ts';
export {
  renderBarcode,
  type BarcodeFormat,
  type BarcodeOptions,
  type BarcodeSymbology,
  type RenderedBarcode,
} from './barcode.ts';
export { gs1CheckDigit, hasValidCheckDigit, withCheckDigit } from './check-digit.ts';
export {
  arrangeForDigitalLink,
  buildDigitalLink,
  canonicalDigitalLink,
  CANONICAL_DL_STEM,
  DL_CONVENIENCE_ALPHAS,
  escapeDlPathValue,
  escapeDlQueryValue,
  parseDigitalLink,
  type BuildDigitalLinkOptions,
  type DigitalLink,
  type DigitalLinkParseOptions,
} from './digital-link.ts';
export {
  compressDigitalLink,
  decompressDigitalLink,
  isCompressedDigitalLink,
  type CompressOptions,
} from './dl-compression.ts';
export {
  buildElementString,
  GS,
  parseElementString,
  type BuildElementStringOptions,
  type ParsedElementString,
} from './element-string.ts';
export { Gs1Error, GS1_ERROR_CODES, gs1ErrorMessageKey, type Gs1ErrorCode } from './errors.ts';
export {
  interpretGs1,
  type Gs1InputKind,
  type Gs1Interpretation,
  type InterpretedElement,
  type InterpretOptions,
} from './interpret.ts';
export {
  gmnCheckCharacters,
  GS1_KEY_AI,
  isValidCpid,
  isValidGcn,
  isValidGdti,
  isValidGiai,
  isValidGinc,
  isValidGln,
  isValidGmn,
  isValidGrai,
  isValidGsin,
  isValidGsrn,
  isValidGtin,
  isValidItip,
  isValidKey,
  isValidSscc,
  normaliseGtin,
  parseGtin,
  validateKey,
  withGmnCheckCharacters,
  type Gs1KeyKind,
  type Gtin,
  type GtinFormat,
} from './keys.ts';
export { checkCharacterPair, CSET82, LINTERS, type Linter } from './linters.ts';
export {
  validateAiValue,
  validateAssociations,
  validateElements,
  withoutDuplicates,
  type AiElement,
} from './validate.ts';
