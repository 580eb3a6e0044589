/**
 * A4 label sheets the stamps print on. Measurements (mm) are the manufacturers' template figures; each layout
 * names the sheets that share it. Printers shift sheets by a millimetre or so: print a test page first.
 */
export interface LabelLayout {
  readonly id: string;
  /** Sheets sold with these measurements. */
  readonly products: string;
  readonly columns: number;
  readonly rows: number;
  readonly labelWidth: number;
  readonly labelHeight: number;
  /** Distance from the page's top-left corner to the first label's top-left corner. */
  readonly top: number;
  readonly left: number;
  /** Distance from one label's left (top) edge to the next one's. */
  readonly horizontalPitch: number;
  readonly verticalPitch: number;
  /** Blank margin inside each label. */
  readonly padding: number;
}

export const LABEL_LAYOUTS = {
  'a4-21': {
    id: 'a4-21',
    products: 'Avery L7160 / J8160, Tanex TXL-021 (21 per sheet, 63.5 × 38.1 mm)',
    columns: 3,
    rows: 7,
    labelWidth: 63.5,
    labelHeight: 38.1,
    top: 15.15,
    left: 7.25,
    horizontalPitch: 66.04,
    verticalPitch: 38.1,
    padding: 2.5,
  },
  'a4-40': {
    id: 'a4-40',
    products: 'Avery L7654 (40 per sheet, 45.7 × 25.4 mm)',
    columns: 4,
    rows: 10,
    labelWidth: 45.7,
    labelHeight: 25.4,
    top: 21.5,
    left: 9.7,
    horizontalPitch: 48.26,
    verticalPitch: 25.4,
    padding: 1.5,
  },
  'a4-65': {
    id: 'a4-65',
    products: 'Avery L7651 / J8651 (65 per sheet, 38.1 × 21.2 mm)',
    columns: 5,
    rows: 13,
    labelWidth: 38.1,
    labelHeight: 21.2,
    top: 10.7,
    left: 4.75,
    horizontalPitch: 40.64,
    verticalPitch: 21.2,
    padding: 1.2,
  },
} as const satisfies Record<string, LabelLayout>;

export type LabelLayoutId = keyof typeof LABEL_LAYOUTS;
export const LABEL_LAYOUT_IDS = Object.keys(LABEL_LAYOUTS) as LabelLayoutId[];

export const isLabelLayoutId = (id: string): id is LabelLayoutId => Object.hasOwn(LABEL_LAYOUTS, id);

export const labelsPerSheet = (layout: LabelLayout): number => layout.columns * layout.rows;
