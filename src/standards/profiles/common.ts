import type { BasedOn, CteRule, KdeRule, LocalText, Party, ValueRule } from '../profile.ts';

/** Building blocks shared by the built-in profiles: the steps every chain has, and the rules they share. */

export const text = (vi: string, en: string): LocalText => ({ vi, en });
export const required = (path: string): KdeRule => ({ path, requirement: 'required' });
export const recommended = (path: string): KdeRule => ({ path, requirement: 'recommended' });

/** The platform's own ILMD namespace (`tx:` → https://truyxuat.vn/epcis/), used for the province's KDEs. */
export const TX = 'tx:';

export const GS1_GTS: BasedOn = {
  kind: 'TCVN',
  code: 'TCVN 12850:2019',
  title: 'Truy xuất nguồn gốc — Yêu cầu chung đối với hệ thống truy xuất (GS1 Global Traceability Standard)',
};
export const EPCIS: BasedOn = { kind: 'TCVN', code: 'TCVN 12345:2019', title: 'EPCIS (ISO/IEC 19987)' };
export const CIRCULAR_17: BasedOn = {
  kind: 'regulation',
  code: 'Thông tư 17/2021/TT-BNNPTNT',
  title: 'Truy xuất nguồn gốc, thu hồi và xử lý thực phẩm nông lâm thủy sản không bảo đảm an toàn',
};
export const CIRCULAR_02: BasedOn = {
  kind: 'regulation',
  code: 'Thông tư 02/2024/TT-BKHCN',
  title: 'Quản lý truy xuất nguồn gốc sản phẩm, hàng hóa',
};
export const DECREE_37: BasedOn = {
  kind: 'regulation',
  code: 'Nghị định 37/2026/NĐ-CP',
  title: 'Quy định chi tiết Luật Chất lượng sản phẩm, hàng hóa (sửa đổi) 78/2025/QH15',
};
export const PROVINCE_TCCS = (code: string, title: string): BasedOn => ({ kind: 'own', code, title });

/** Retention seen in the national rules: 6 months for fresh products, 2 years for processed or frozen ones. */
export const RETENTION_FRESH = 183;
export const RETENTION_PROCESSED = 730;

/** Shipping: one step forward — what left, from where, to whom (TCVN 12827, Circular 17/2021). */
export function shipping(order: number, requirement: CteRule['requirement'] = 'required'): CteRule {
  return {
    id: 'shipping',
    name: text('Xuất hàng', 'Shipping'),
    bizStep: 'shipping',
    eventType: 'ObjectEvent',
    order,
    party: 'any',
    requirement,
    kdes: [
      required('readPoint'),
      required('quantityList'),
      required('destinationList'),
      recommended('bizTransactionList'),
    ],
  };
}

/** Receiving: one step back — what arrived, where, from whom. */
export function receiving(order: number, requirement: CteRule['requirement'] = 'recommended'): CteRule {
  return {
    id: 'receiving',
    name: text('Nhận hàng', 'Receiving'),
    bizStep: 'receiving',
    eventType: 'ObjectEvent',
    order,
    party: 'any',
    requirement,
    kdes: [
      required('bizLocation'),
      required('quantityList'),
      required('sourceList'),
      recommended('bizTransactionList'),
    ],
  };
}

/** Packing the lot for sale (an observation of the packed lot at the packing site). */
export function packing(
  order: number,
  party: Party,
  requirement: CteRule['requirement'],
  extra: KdeRule[] = [],
): CteRule {
  return {
    id: 'packing',
    name: text('Đóng gói', 'Packing'),
    bizStep: 'packing',
    eventType: 'ObjectEvent',
    order,
    party,
    requirement,
    kdes: [required('bizLocation'), required('quantityList'), ...extra],
  };
}

/** The origin of a lot: an ObjectEvent commissioning the harvested or caught lot. */
export function origin(id: string, name: LocalText, party: Party, kdes: KdeRule[]): CteRule {
  return {
    id,
    name,
    bizStep: 'commissioning',
    eventType: 'ObjectEvent',
    order: 1,
    party,
    requirement: 'required',
    kdes: [required('bizLocation'), required('quantityList'), ...kdes],
  };
}

/** A processing step: a TransformationEvent commissioning the output lot from its inputs. */
export function processing(id: string, name: LocalText, order: number, kdes: KdeRule[]): CteRule {
  return {
    id,
    name,
    bizStep: 'commissioning',
    eventType: 'TransformationEvent',
    order,
    party: 'processor',
    requirement: 'required',
    kdes: [required('bizLocation'), required('inputQuantityList'), required('outputQuantityList'), ...kdes],
  };
}

export function unitsRule(units: string[]): ValueRule {
  return {
    path: 'quantityList[].uom',
    check: { kind: 'units', units },
    severity: 'error',
    description: text(`Đơn vị đo được phép: ${units.join(', ')}`, `Units allowed: ${units.join(', ')}`),
  };
}

export const ISO_DATE = '^\\d{4}-\\d{2}-\\d{2}$';
export function dateRule(path: string, ctes?: string[]): ValueRule {
  return {
    path,
    ...(ctes ? { ctes } : {}),
    check: { kind: 'pattern', pattern: ISO_DATE },
    severity: 'error',
    description: text('Ngày theo dạng YYYY-MM-DD', 'A date written YYYY-MM-DD'),
  };
}

/** Growing-area code (mã số vùng trồng) issued by the Plant Protection Department: `VN-<province>OR-0017`. */
export const GROWING_AREA_PATTERN = '^VN-[A-Z]{2,6}OR-\\d{4}$';
export const PACKING_HOUSE_PATTERN = '^VN-[A-Z]{2,6}PH-\\d{4}$';
export function growingAreaRule(ctes: string[]): ValueRule {
  return {
    path: '$location.growingAreaCode',
    ctes,
    check: { kind: 'pattern', pattern: GROWING_AREA_PATTERN },
    severity: 'error',
    description: text('Mã số vùng trồng dạng VN-<tỉnh>OR-0000', 'Growing-area code of the form VN-<province>OR-0000'),
  };
}
export function packingHouseRule(ctes: string[]): ValueRule {
  return {
    path: '$location.packingHouseCode',
    ctes,
    check: { kind: 'pattern', pattern: PACKING_HOUSE_PATTERN },
    severity: 'error',
    description: text(
      'Mã số cơ sở đóng gói dạng VN-<tỉnh>PH-0000',
      'Packing-house code of the form VN-<province>PH-0000',
    ),
  };
}

/** What Circular 02/2024 and Decree 37/2026 put on the consumer page. */
export const PUBLIC_BASE = [
  'eventTime',
  'bizStep',
  'bizLocation',
  'readPoint',
  'quantityList[].epcClass',
  'certificationInfo',
];
