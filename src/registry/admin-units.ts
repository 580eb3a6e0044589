/**
 * Vietnam's 34 provincial-level units after the 1 July 2025 reform (Resolution 202/2025/QH15), with the codes of
 * the national list of administrative units (Decision 19/2025/QĐ-TTg: a merged province keeps the code of the unit
 * whose name it keeps). Pure.
 *
 * Why a short list here: DESIGN.md asks for a maintained package checked against official codes. The one package
 * found (`vn-provinces-wards` 1.0.2) numbers provinces alphabetically (Huế is "20", officially 46), gives communes
 * 8-digit codes that are not the official 5-digit ones, and does not load as an ES module; no other package covers
 * the reform. So provinces are validated against this list and communes are stored as given (code and name), until
 * a package with official codes exists. See docs/registry.md.
 */
export const PROVINCES: readonly { readonly code: string; readonly name: string; readonly city: boolean }[] = [
  { code: '01', name: 'Hà Nội', city: true },
  { code: '04', name: 'Cao Bằng', city: false },
  { code: '08', name: 'Tuyên Quang', city: false },
  { code: '11', name: 'Điện Biên', city: false },
  { code: '12', name: 'Lai Châu', city: false },
  { code: '14', name: 'Sơn La', city: false },
  { code: '15', name: 'Lào Cai', city: false },
  { code: '19', name: 'Thái Nguyên', city: false },
  { code: '20', name: 'Lạng Sơn', city: false },
  { code: '22', name: 'Quảng Ninh', city: false },
  { code: '24', name: 'Bắc Ninh', city: false },
  { code: '25', name: 'Phú Thọ', city: false },
  { code: '31', name: 'Hải Phòng', city: true },
  { code: '33', name: 'Hưng Yên', city: false },
  { code: '37', name: 'Ninh Bình', city: false },
  { code: '38', name: 'Thanh Hóa', city: false },
  { code: '40', name: 'Nghệ An', city: false },
  { code: '42', name: 'Hà Tĩnh', city: false },
  { code: '44', name: 'Quảng Trị', city: false },
  { code: '46', name: 'Huế', city: true },
  { code: '48', name: 'Đà Nẵng', city: true },
  { code: '51', name: 'Quảng Ngãi', city: false },
  { code: '52', name: 'Gia Lai', city: false },
  { code: '56', name: 'Khánh Hòa', city: false },
  { code: '66', name: 'Đắk Lắk', city: false },
  { code: '68', name: 'Lâm Đồng', city: false },
  { code: '75', name: 'Đồng Nai', city: false },
  { code: '79', name: 'Hồ Chí Minh', city: true },
  { code: '80', name: 'Tây Ninh', city: false },
  { code: '82', name: 'Đồng Tháp', city: false },
  { code: '86', name: 'Vĩnh Long', city: false },
  { code: '91', name: 'An Giang', city: false },
  { code: '92', name: 'Cần Thơ', city: true },
  { code: '96', name: 'Cà Mau', city: false },
];

export const HUE_PROVINCE_CODE = '46';

const BY_CODE = new Map(PROVINCES.map((p) => [p.code, p]));

export function isProvinceCode(code: string): boolean {
  return BY_CODE.has(code);
}

export function provinceName(code: string): string | undefined {
  return BY_CODE.get(code)?.name;
}
