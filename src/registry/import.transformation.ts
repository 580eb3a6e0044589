import { withCheckDigit } from '../identifiers/check-digit.ts';
import { t, type MessageKey } from '../shared/messages.ts';
import type { RowError } from './import.service.ts';

/**
 * The grouped sheets of the event import: rows sharing a `transformationID` are one EPCIS 2.0 TransformationEvent
 * (inputs and outputs, EPCIS §7.4.6), rows sharing a pallet SSCC, action and time are one AggregationEvent (EPCIS
 * §7.4.3). Pure: rows already read and checked cell by cell come in, events or row-by-row errors go out.
 */

export interface EventColumn {
  readonly name: string;
  readonly required: boolean;
  readonly vi: string;
  readonly en: string;
}

/** The checked cells of one row; fields are absent when the cell was empty or wrong. */
export interface RowFields {
  readonly row: number;
  /** The trimmed text of every filled cell, by column name. */
  readonly value: Readonly<Record<string, string>>;
  readonly step?: string;
  readonly eventTime?: string;
  readonly offset: string;
  readonly location?: string;
  /** `https://id.gs1.org/01/{gtin}/10/{lot}` with its quantity and UN/ECE unit. */
  readonly item?: { readonly epcClass: string; readonly quantity: number; readonly uom: string };
  readonly role?: 'input' | 'output';
  readonly action?: 'ADD' | 'DELETE';
  readonly parent?: string;
  /** An instance the row packs: an SSCC (carton) or an SGTIN (one serialised item). */
  readonly childEpc?: string;
  /** Key data elements (`tx:`/`cbvmda:` columns). */
  readonly kdes: Readonly<Record<string, string>>;
}

/** A row as read: its fields, and the errors of its own cells. */
export interface ReadRow {
  readonly row: number;
  readonly fields: RowFields;
  readonly errors: readonly RowError[];
}

/** One event to capture (or the reason it cannot be), with the sheet rows it was made from. */
export interface EventUnit {
  readonly rows: readonly number[];
  readonly event?: Record<string, unknown>;
  readonly errors: RowError[];
  /** The row (and column, when the field alone does not say) an event field (`inputQuantityList/1/uom`) came from. */
  locate(field: string): { row: number; column?: string };
}

const EXAMPLE_GLN = withCheckDigit('893999000001');
const SESAME = withCheckDigit('0893999000101');
const MALT = withCheckDigit('0893999000102');
const PEANUT = withCheckDigit('0893999000103');
const CANDY = withCheckDigit('0893999000201');
const PALLET = withCheckDigit('08939990000000001');
const CARTON = withCheckDigit('08939990000000002');

const TIME_COLUMNS: readonly EventColumn[] = [
  {
    name: 'eventTime',
    required: true,
    vi: 'Thời điểm: YYYY-MM-DD HH:mm, giống nhau trên mọi dòng của một nhóm',
    en: 'Time: YYYY-MM-DD HH:mm, the same on every row of a group',
  },
  { name: 'timeZoneOffset', required: false, vi: 'Múi giờ (mặc định +07:00)', en: 'Time zone (+07:00 by default)' },
];

/** The transformation template: one row per input or output lot; rows with the same transformationID are one event. */
export const TRANSFORMATION_COLUMNS: readonly EventColumn[] = [
  {
    name: 'transformationID',
    required: true,
    vi: 'Mã mẻ chế biến trong tệp: các dòng cùng mã là một sự kiện chế biến (ví dụ MX-0618)',
    en: 'Batch code within the file: the rows with the same code are one transformation (e.g. MX-0618)',
  },
  {
    name: 'role',
    required: true,
    vi: 'input = lô nguyên liệu đầu vào, output = lô thành phẩm đầu ra; mỗi mẻ cần ít nhất một dòng mỗi loại',
    en: 'input = an ingredient lot used, output = a lot produced; each batch needs at least one of each',
  },
  {
    name: 'step',
    required: false,
    vi: 'Công đoạn CBV (mặc định commissioning = sản xuất mẻ mới)',
    en: 'CBV business step (commissioning = producing a new batch by default)',
  },
  ...TIME_COLUMNS,
  { name: 'gtin', required: true, vi: 'GTIN của nguyên liệu hoặc thành phẩm', en: 'GTIN of the ingredient or product' },
  { name: 'lot', required: true, vi: 'Số lô', en: 'Lot number' },
  { name: 'quantity', required: true, vi: 'Số lượng', en: 'Quantity' },
  {
    name: 'uom',
    required: false,
    vi: 'Đơn vị UN/ECE Rec 20 (mặc định KGM; H87 = cái, hộp)',
    en: 'UN/ECE Rec 20 unit (KGM by default; H87 = piece, box)',
  },
  {
    name: 'locationGln',
    required: true,
    vi: 'GLN nơi chế biến, giống nhau trên mọi dòng của một mẻ',
    en: 'GLN of where it was made, the same on every row of a batch',
  },
  {
    name: 'certification',
    required: false,
    vi: 'Số chứng nhận của lô thành phẩm',
    en: 'Certificate of the produced lot',
  },
  {
    name: 'tx:productionDate',
    required: false,
    vi: 'Dữ liệu chính của lô thành phẩm: thêm cột tx:<tên> cho mỗi trường (ví dụ tx:productionDate, tx:bestBefore)',
    en: 'Key data elements of the produced lot: one tx:<name> column per field (e.g. tx:productionDate, tx:bestBefore)',
  },
  {
    name: 'tx:bestBefore',
    required: false,
    vi: 'Hạn sử dụng YYYY-MM-DD',
    en: 'Best before, YYYY-MM-DD',
  },
];

export const TRANSFORMATION_EXAMPLES: readonly (readonly string[])[] = [
  ['MX-0618', 'input', 'commissioning', '2026-06-18 08:00', '+07:00', SESAME, 'ME-0615', '60', 'KGM', EXAMPLE_GLN],
  ['MX-0618', 'input', 'commissioning', '2026-06-18 08:00', '+07:00', MALT, 'MN-0610', '40', 'KGM', EXAMPLE_GLN],
  ['MX-0618', 'input', 'commissioning', '2026-06-18 08:00', '+07:00', PEANUT, 'DP-0612', '20', 'KGM', EXAMPLE_GLN],
  [
    'MX-0618',
    'output',
    'commissioning',
    '2026-06-18 08:00',
    '+07:00',
    CANDY,
    'MX-0618',
    '105',
    'KGM',
    EXAMPLE_GLN,
    '',
    '2026-06-18',
    '2026-12-18',
  ],
];

/** The pallet template: one row per carton, item or lot packed onto (ADD) or taken off (DELETE) a pallet. */
export const AGGREGATION_COLUMNS: readonly EventColumn[] = [
  {
    name: 'parentSscc',
    required: true,
    vi: 'SSCC của pallet (18 chữ số): các dòng cùng pallet, thao tác và thời điểm là một sự kiện',
    en: 'SSCC of the pallet (18 digits): the rows with the same pallet, action and time are one event',
  },
  {
    name: 'action',
    required: false,
    vi: 'ADD = đóng vào pallet (mặc định), DELETE = gỡ khỏi pallet',
    en: 'ADD = packed onto the pallet (default), DELETE = taken off it',
  },
  {
    name: 'step',
    required: false,
    vi: 'Công đoạn CBV (mặc định packing khi ADD, unpacking khi DELETE)',
    en: 'CBV business step (packing for ADD, unpacking for DELETE by default)',
  },
  ...TIME_COLUMNS,
  {
    name: 'locationGln',
    required: true,
    vi: 'GLN nơi đóng pallet',
    en: 'GLN of where the pallet was built',
  },
  {
    name: 'childSscc',
    required: false,
    vi: 'SSCC của thùng được đóng (để trống nếu điền gtin)',
    en: 'SSCC of a packed carton (empty when gtin is filled)',
  },
  { name: 'gtin', required: false, vi: 'GTIN của sản phẩm được đóng', en: 'GTIN of the packed product' },
  {
    name: 'serial',
    required: false,
    vi: 'Số sê-ri (từng sản phẩm, cùng gtin)',
    en: 'Serial number (one item, with gtin)',
  },
  {
    name: 'lot',
    required: false,
    vi: 'Số lô (cả lô, cùng gtin và quantity)',
    en: 'Lot (a whole lot, with gtin and quantity)',
  },
  { name: 'quantity', required: false, vi: 'Số lượng của lô', en: 'Quantity of the lot' },
  {
    name: 'uom',
    required: false,
    vi: 'Đơn vị UN/ECE Rec 20 (mặc định KGM)',
    en: 'UN/ECE Rec 20 unit (KGM by default)',
  },
];

export const AGGREGATION_EXAMPLES: readonly (readonly string[])[] = [
  [PALLET, 'ADD', 'packing', '2026-06-19 14:00', '+07:00', EXAMPLE_GLN, CARTON],
  [PALLET, 'ADD', 'packing', '2026-06-19 14:00', '+07:00', EXAMPLE_GLN, '', CANDY, '', 'MX-0618', '40', 'KGM'],
];

const place = (gln: string) => ({ id: `https://id.gs1.org/414/${gln}` });
const eventTimeMembers = (f: RowFields) => ({
  eventTime: f.eventTime,
  eventTimeZoneOffset: /[+-]\d{2}:\d{2}$/.exec(f.eventTime ?? '')?.[0] ?? f.offset,
});

function groupBy(rows: readonly ReadRow[], key: (r: ReadRow) => string | undefined): Map<string, ReadRow[]> {
  const groups = new Map<string, ReadRow[]>();
  rows.forEach((r, i) => {
    // A row without its group key is a group of its own: its errors already say what is missing.
    const k = key(r) ?? `\u0000${i}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  });
  return groups;
}

function message(key: MessageKey, params: Record<string, string | number>) {
  return { vi: t('vi', key, params), en: t('en', key, params) };
}

/**
 * Every row of a group must agree on `column` (as read by `of`): the first row that gives it sets it; a row that
 * differs gets an error naming it and the row it differs from.
 */
function agree(
  group: readonly ReadRow[],
  name: string,
  column: string,
  of: (f: RowFields) => string | undefined,
  errors: RowError[],
): string | undefined {
  let first: { row: number; value: string } | undefined;
  for (const { fields } of group) {
    const v = of(fields);
    if (v === undefined) continue;
    if (!first) first = { row: fields.row, value: v };
    else if (v !== first.value)
      errors.push({
        row: fields.row,
        column,
        message: message('import.event.differs', { group: name, row: first.row }),
      });
  }
  return first?.value;
}

/** Key data elements of a group: one value per column, the same wherever a row gives it. */
function agreedKdes(group: readonly ReadRow[], name: string, errors: RowError[]): Record<string, string> {
  const columns = new Set(group.flatMap((r) => Object.keys(r.fields.kdes)));
  const kdes: Record<string, string> = {};
  for (const c of columns) {
    const v = agree(group, name, c, (f) => f.kdes[c], errors);
    if (v !== undefined) kdes[c] = v;
  }
  return kdes;
}

const indexed = (field: string, list: string) => {
  const m = new RegExp(`(?:^|/)${list}/(\\d+)`).exec(field);
  return m ? Number(m[1]) : undefined;
};

/** Rows sharing a `transformationID` → one TransformationEvent each, in the order their first row appears. */
export function transformationEvents(rows: readonly ReadRow[]): EventUnit[] {
  return [...groupBy(rows, (r) => r.fields.value.transformationID)].map(([, group]) => {
    const first = group[0]!.fields;
    const name = first.value.transformationID ?? '';
    const errors: RowError[] = group.flatMap((r) => r.errors);
    const inputs = group.filter((r) => r.fields.role === 'input').map((r) => r.fields);
    const outputs = group.filter((r) => r.fields.role === 'output').map((r) => r.fields);
    const roleKnown = group.every((r) => r.fields.role !== undefined);
    if (roleKnown && inputs.length === 0)
      errors.push({ row: first.row, column: 'role', message: message('import.event.noInput', { group: name }) });
    if (roleKnown && outputs.length === 0)
      errors.push({ row: first.row, column: 'role', message: message('import.event.noOutput', { group: name }) });
    agree(group, name, 'eventTime', (f) => f.eventTime, errors);
    agree(group, name, 'locationGln', (f) => f.location, errors);
    const step = agree(group, name, 'step', (f) => f.step, errors);
    const certification = agree(group, name, 'certification', (f) => f.value.certification, errors);
    const kdes = agreedKdes(group, name, errors);
    const rows = group.map((r) => r.fields.row);
    const locate = (field: string) => {
      const i = indexed(field, 'inputQuantityList');
      const o = indexed(field, 'outputQuantityList');
      if (i !== undefined && inputs[i]) return { row: inputs[i].row };
      if (o !== undefined && outputs[o]) return { row: outputs[o].row };
      if (/ilmd|certification/.test(field) && outputs[0]) return { row: outputs[0].row };
      return { row: first.row };
    };
    if (errors.length > 0) return { rows, errors, locate };
    const location = place(first.location!);
    const event: Record<string, unknown> = {
      type: 'TransformationEvent',
      ...eventTimeMembers(first),
      inputQuantityList: inputs.map((f) => f.item!),
      outputQuantityList: outputs.map((f) => f.item!),
      bizStep: step ?? 'commissioning',
      disposition: 'active',
      readPoint: location,
      bizLocation: location,
      ...(certification ? { certificationInfo: certification } : {}),
      ...(Object.keys(kdes).length > 0 ? { ilmd: kdes } : {}),
    };
    return { rows, event, errors, locate };
  });
}

/** Rows sharing a pallet SSCC, action and time → one AggregationEvent each. */
export function aggregationEvents(rows: readonly ReadRow[]): EventUnit[] {
  const key = (r: ReadRow) =>
    r.fields.value.parentSscc === undefined || r.fields.value.eventTime === undefined
      ? undefined
      : [r.fields.value.parentSscc, (r.fields.value.action ?? 'ADD').toUpperCase(), r.fields.value.eventTime].join(
          '\u0000',
        );
  return [...groupBy(rows, key)].map(([, group]) => {
    const first = group[0]!.fields;
    const name = first.value.parentSscc ?? '';
    const errors: RowError[] = group.flatMap((r) => r.errors);
    agree(group, name, 'locationGln', (f) => f.location, errors);
    agree(group, name, 'timeZoneOffset', (f) => f.offset, errors);
    const step = agree(group, name, 'step', (f) => f.step, errors);
    const kdes = agreedKdes(group, name, errors);
    const action = first.action ?? 'ADD';
    const instances = group.filter((r) => r.fields.childEpc !== undefined).map((r) => r.fields);
    const classes = group.filter((r) => r.fields.item !== undefined).map((r) => r.fields);
    const rows = group.map((r) => r.fields.row);
    const locate = (field: string) => {
      const e = indexed(field, 'childEPCs');
      const q = indexed(field, 'childQuantityList');
      if (e !== undefined && instances[e])
        return {
          row: instances[e].row,
          column: instances[e].value.childSscc !== undefined ? 'childSscc' : 'serial',
        };
      if (q !== undefined && classes[q]) return { row: classes[q].row };
      if (/parentID/.test(field)) return { row: first.row, column: 'parentSscc' };
      return { row: first.row };
    };
    if (errors.length > 0) return { rows, errors, locate };
    const location = place(first.location!);
    const event: Record<string, unknown> = {
      type: 'AggregationEvent',
      ...eventTimeMembers(first),
      parentID: first.parent,
      childEPCs: instances.map((f) => f.childEpc!),
      ...(classes.length > 0 ? { childQuantityList: classes.map((f) => f.item!) } : {}),
      action,
      bizStep: step ?? (action === 'ADD' ? 'packing' : 'unpacking'),
      disposition: 'in_progress',
      readPoint: location,
      bizLocation: location,
      ...kdes,
    };
    return { rows, event, errors, locate };
  });
}
