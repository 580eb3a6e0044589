import { lookupAi } from './ai-table.ts';
import { arrangeForDigitalLink, buildDigitalLink, canonicalDigitalLink, parseDigitalLink } from './digital-link.ts';
import { decompressDigitalLink, isCompressedDigitalLink } from './dl-compression.ts';
import { buildElementString, GS, parseElementString } from './element-string.ts';
import { epcUrnToDigitalLink } from './epc.ts';
import { Gs1Error } from './errors.ts';
import { parseGtin } from './keys.ts';
import { type AiElement, validateElements } from './validate.ts';

/** What kind of text `interpretGs1` recognised. */
export type Gs1InputKind =
  'digital-link' | 'compressed-digital-link' | 'element-string' | 'epc-urn' | 'gtin' | 'gln' | 'sscc';

export interface InterpretedElement {
  readonly ai: string;
  readonly title: string;
  readonly value: string;
}

/** Everything a GS1 text says, in every form (for the `truyxuat gs1 parse` command and for people). */
export interface Gs1Interpretation {
  readonly kind: Gs1InputKind;
  /** The Digital Link primary key, when the data has one. */
  readonly primaryKey: InterpretedElement | null;
  readonly qualifiers: InterpretedElement[];
  readonly attributes: InterpretedElement[];
  /** Non-AI Digital Link query parameters (`linkType`, …). */
  readonly otherParams: Record<string, string>;
  /** Canonical Digital Link (`https://id.gs1.org/…`), or null when the data has no Digital Link primary key. */
  readonly canonicalDigitalLink: string | null;
  /** The Digital Link on the stem the input used (Digital Link inputs only). */
  readonly digitalLink: string | null;
  /** Bracketed element strings. */
  readonly elementString: string;
  /** Element strings as a scanner returns them, FNC1 as GS (0x1D). */
  readonly rawElementString: string;
}

export interface InterpretOptions {
  /** Read a bare 13-digit number as a GLN instead of a GTIN-13. */
  readonly bareKeyAs?: 'gtin' | 'gln';
  /** Accept Digital Link convenience alphas and zero-suppressed GTINs. */
  readonly lenient?: boolean;
}

/**
 * Recognises and validates any GS1 text: a Digital Link URI (GS1 DL URI Syntax 1.4), a compressed one, bracketed or
 * raw element strings (General Specifications §7.8), an EPC URN (EPC Tag Data Standard), or a bare GTIN, GLN or
 * SSCC; returns it in every form. Throws Gs1Error naming the offending AI and why.
 */
export function interpretGs1(text: string, options: InterpretOptions = {}): Gs1Interpretation {
  const input = text.trim();
  if (input === '') throw new Gs1Error('syntax', 'nothing to interpret');
  if (/^urn:epc:/i.test(input)) {
    const uri = epcUrnToDigitalLink(input);
    if (uri === null) throw new Gs1Error('syntax', 'not an EPC URN of a GS1 key');
    const dl = parseDigitalLink(uri, { permitZeroSuppressedGtin: true });
    return describe('epc-urn', dl.elements, dl.otherParams, uri);
  }
  if (/^https?:\/\//i.test(input)) {
    const lenient = options.lenient ?? false;
    try {
      const dl = parseDigitalLink(input, { permitConvenienceAlphas: lenient, permitZeroSuppressedGtin: lenient });
      return describe(
        'digital-link',
        dl.elements,
        dl.otherParams,
        buildDigitalLink(dl.elements, { stem: dl.stem, otherParams: dl.otherParams }),
      );
    } catch (e) {
      if (!(e instanceof Gs1Error) || !isCompressedDigitalLink(input)) throw e;
    }
    const uri = decompressDigitalLink(input);
    const dl = parseDigitalLink(uri);
    return describe('compressed-digital-link', dl.elements, dl.otherParams, uri);
  }
  if (/^\d+$/.test(input)) {
    if (input.length === 18) return describe('sscc', validateElements([{ ai: '00', value: input }]), [], null);
    if (input.length === 13 && options.bareKeyAs === 'gln')
      return describe('gln', validateElements([{ ai: '414', value: input }]), [], null);
    if ([8, 12, 13, 14].includes(input.length))
      return describe('gtin', [{ ai: '01', value: parseGtin(input).gtin14 }], [], null);
  }
  const parsed = parseElementString(input);
  return describe('element-string', parsed.elements, [], null);
}

function describe(
  kind: Gs1InputKind,
  elements: readonly AiElement[],
  otherParams: readonly [string, string][],
  digitalLink: string | null,
): Gs1Interpretation {
  const named = (e: AiElement): InterpretedElement => ({
    ai: e.ai,
    title: lookupAi(e.ai)?.title ?? '',
    value: e.value,
  });
  let primaryKey: InterpretedElement | null = null;
  let qualifiers: InterpretedElement[] = [];
  let attributes: InterpretedElement[] = elements.map(named);
  let canonical: string | null = null;
  try {
    const arranged = arrangeForDigitalLink(elements);
    primaryKey = named(arranged.primaryKey);
    qualifiers = arranged.qualifiers.map(named);
    attributes = arranged.attributes.map(named);
    canonical = canonicalDigitalLink(elements);
  } catch (e) {
    // Element strings without a Digital Link primary key (or with AIs a Digital Link cannot carry) have no DL form.
    if (!(e instanceof Gs1Error)) throw e;
  }
  return {
    kind,
    primaryKey,
    qualifiers,
    attributes,
    otherParams: Object.fromEntries(otherParams),
    canonicalDigitalLink: canonical,
    digitalLink,
    elementString: buildElementString(elements),
    rawElementString: buildElementString(elements, { form: 'raw', fnc1: GS }),
  };
}
