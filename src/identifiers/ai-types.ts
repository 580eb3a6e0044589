/**
 * Shapes of the Application Identifier table generated from the GS1 Barcode Syntax Dictionary
 * (`gs1-syntax-dictionary.txt`, "Syntax" section of its header). The generated module holds data only.
 */

/** Character set of a component: N numeric, X CSET 82, Y CSET 39, Z CSET 64 (base64url). */
export type AiCharacterSet = 'N' | 'X' | 'Y' | 'Z';

/** One component of an AI's data field, e.g. `N13,csum,gcppos1` or `[X..17]`. */
export interface AiComponentSpec {
  readonly cset: AiCharacterSet;
  /** Minimum length (equal to `max` for a fixed-length component). */
  readonly min: number;
  readonly max: number;
  /** `[...]` in the dictionary: may be absent once the data is exhausted. */
  readonly optional: boolean;
  /** Names of the syntax-test procedures ("linters") applied to this component. */
  readonly linters: readonly string[];
}

/** One Application Identifier (ranges such as `3100-3105` are expanded). */
export interface AiEntrySpec {
  readonly ai: string;
  readonly title: string;
  /** Flag `*`: pre-defined length, so no FNC1 separator follows it in a barcode. */
  readonly predefinedLength: boolean;
  /** Flag `?`: permitted as a GS1 Digital Link data attribute (query string). */
  readonly dlDataAttribute: boolean;
  readonly components: readonly AiComponentSpec[];
  /**
   * `req=` attributes. Every group must be satisfied; a group is satisfied by any one of its alternatives, and an
   * alternative (`01+21`) needs all its AIs. Entries may be patterns with `n` standing for any digit (`31nn`).
   */
  readonly req: readonly (readonly string[])[];
  /** `ex=` attributes, flattened: AIs or patterns that must not appear together with this AI. */
  readonly ex: readonly string[];
  /**
   * `dlpkey[=q1,q2|alt]`: null when the AI is not a Digital Link primary key, otherwise the alternative ordered
   * key-qualifier sequences (`[[]]` for a key that takes no qualifiers).
   */
  readonly dlPrimaryKey: readonly (readonly string[])[] | null;
}
