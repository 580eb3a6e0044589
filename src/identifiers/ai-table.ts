import { AI_ENTRIES, SYNTAX_DICTIONARY_RELEASE } from './ai-table.generated.ts';
import type { AiEntrySpec } from './ai-types.ts';

export type { AiCharacterSet, AiComponentSpec, AiEntrySpec } from './ai-types.ts';
export { SYNTAX_DICTIONARY_RELEASE };

/** Every Application Identifier of the GS1 Barcode Syntax Dictionary, by AI (GS1 General Specifications §3). */
export const aiTable: ReadonlyMap<string, AiEntrySpec> = new Map(AI_ENTRIES.map((e) => [e.ai, e]));

/** The dictionary entry of an AI, or undefined when the dictionary does not define it. */
export function lookupAi(ai: string): AiEntrySpec | undefined {
  return aiTable.get(ai);
}

/**
 * GS1 General Specifications §3.2: AIs are prefix-free, so the first 2 digits decide the AI's length. Returns the
 * known AI at the start of `data` (2, 3 or 4 digits), or undefined.
 */
export function aiAtStartOf(data: string): AiEntrySpec | undefined {
  for (const length of [2, 3, 4]) {
    const entry = aiTable.get(data.slice(0, length));
    if (entry) return entry;
  }
  return undefined;
}

/** Whether an AI matches a dictionary pattern such as `310n` or `31nn` (`n` = any digit) or equals a plain AI. */
export function aiMatchesPattern(ai: string, pattern: string): boolean {
  if (ai.length !== pattern.length) return false;
  for (let i = 0; i < ai.length; i++) {
    const p = pattern[i];
    if (p !== 'n' && p !== ai[i]) return false;
  }
  return true;
}

/** Total length of an AI whose components are all fixed (the `*` pre-defined-length AIs), else undefined. */
export function fixedValueLength(entry: AiEntrySpec): number | undefined {
  let total = 0;
  for (const c of entry.components) {
    if (c.optional || c.min !== c.max) return undefined;
    total += c.max;
  }
  return total;
}

/** Longest value the AI's format allows. */
export function maxValueLength(entry: AiEntrySpec): number {
  return entry.components.reduce((n, c) => n + c.max, 0);
}
