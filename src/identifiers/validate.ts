import { aiMatchesPattern, lookupAi } from './ai-table.ts';
import type { AiEntrySpec } from './ai-types.ts';
import { Gs1Error } from './errors.ts';
import { LINTERS, characterSetProblem } from './linters.ts';

/** One element string: an Application Identifier and its value. */
export interface AiElement {
  readonly ai: string;
  readonly value: string;
}

/** The dictionary entry of `ai`, or Gs1Error('unknown_ai'). */
export function requireAi(ai: string): AiEntrySpec {
  const entry = lookupAi(ai);
  if (!entry)
    throw new Gs1Error('unknown_ai', 'not an Application Identifier in the GS1 Barcode Syntax Dictionary', ai);
  return entry;
}

/**
 * Validates one AI value against its Syntax Dictionary format: components consumed in order (optional ones may be
 * left out once the data ends), character sets, lengths and every linter. Throws Gs1Error naming the AI.
 */
export function validateAiValue(ai: string, value: string): void {
  const entry = requireAi(ai);
  let pos = 0;
  for (const component of entry.components) {
    if (pos >= value.length) {
      if (component.optional) break;
      throw new Gs1Error('invalid_value', value.length === 0 ? 'value is empty' : 'value is too short', ai);
    }
    const fixed = component.min === component.max;
    const length = fixed ? component.max : Math.min(component.max, value.length - pos);
    if (pos + length > value.length) throw new Gs1Error('invalid_value', 'value is too short', ai);
    const part = value.slice(pos, pos + length);
    pos += length;
    const csetProblem = characterSetProblem(component.cset, part);
    if (csetProblem) throw new Gs1Error('invalid_value', csetProblem, ai);
    for (const name of component.linters) {
      const linter = LINTERS[name];
      if (!linter) throw new Gs1Error('invalid_value', `the dictionary names an unknown syntax test "${name}"`, ai);
      const problem = linter(part);
      if (problem) throw new Gs1Error(name.startsWith('csum') ? 'check_digit' : 'invalid_value', problem, ai);
    }
  }
  if (pos < value.length) throw new Gs1Error('invalid_value', 'value is too long', ai);
}

/**
 * Removes repeated identical elements (the same AI and value read from several carriers) and rejects the same AI
 * with different values (GS1 General Specifications §4.14).
 */
export function withoutDuplicates(elements: readonly AiElement[]): AiElement[] {
  const seen = new Map<string, string>();
  const out: AiElement[] = [];
  for (const e of elements) {
    const previous = seen.get(e.ai);
    if (previous === undefined) {
      seen.set(e.ai, e.value);
      out.push(e);
    } else if (previous !== e.value) {
      throw new Gs1Error('duplicate_ai', `appears twice with different values`, e.ai);
    }
  }
  return out;
}

/**
 * Checks the Syntax Dictionary's mandatory (`req`) and invalid (`ex`) AI associations over a set of elements
 * (GS1 General Specifications §4.14.1 and §4.14.2). Throws Gs1Error naming the AI whose rule is broken.
 */
export function validateAssociations(elements: readonly AiElement[]): void {
  const ais = elements.map((e) => e.ai);
  const present = (pattern: string) => ais.some((ai) => aiMatchesPattern(ai, pattern));
  for (const { ai } of elements) {
    const entry = requireAi(ai);
    for (const pattern of entry.ex) {
      const clash = ais.find((other) => other !== ai && aiMatchesPattern(other, pattern));
      if (clash) throw new Gs1Error('exclusive_ai', `must not be used together with AI (${clash})`, ai);
    }
    for (const group of entry.req) {
      const satisfied = group.some((alternative) => alternative.split('+').every(present));
      if (!satisfied) {
        const wanted = group.map((a) => a.replace(/\+/g, ' with ')).join(' or ');
        throw new Gs1Error('missing_required_ai', `requires AI ${wanted}`, ai);
      }
    }
  }
}

/** Full validation of element strings: every value, duplicates, then associations. Returns the de-duplicated list. */
export function validateElements(elements: readonly AiElement[]): AiElement[] {
  for (const e of elements) validateAiValue(e.ai, e.value);
  const unique = withoutDuplicates(elements);
  validateAssociations(unique);
  return unique;
}
