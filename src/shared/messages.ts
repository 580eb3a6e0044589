/**
 * The message catalogue: every user-facing text, in Vietnamese (default) and English. Keys are stable; a test
 * checks that both languages carry every key. Capabilities add their keys here under their own prefix.
 */
export const LOCALES = ['vi', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const vi = {
  'app.name': 'Hệ thống truy xuất nguồn gốc',
  'problem.validation': 'Dữ liệu không hợp lệ',
  'problem.unauthenticated': 'Cần đăng nhập',
  'problem.forbidden': 'Không có quyền thực hiện',
  'problem.not_found': 'Không tìm thấy',
  'problem.conflict': 'Xung đột dữ liệu',
  'problem.gone': 'Đã bị thu hồi',
  'problem.payload_too_large': 'Dữ liệu gửi lên quá lớn',
  'problem.unsupported_media_type': 'Định dạng dữ liệu không được hỗ trợ',
  'problem.not_acceptable': 'Không thể trả về định dạng yêu cầu',
  'problem.rate_limited': 'Quá nhiều yêu cầu, vui lòng thử lại sau',
  'problem.unavailable': 'Dịch vụ tạm thời không sẵn sàng',
  'problem.internal': 'Lỗi hệ thống',
  'error.password.short': 'Mật khẩu phải có ít nhất 8 ký tự',
  'error.password.long': 'Mật khẩu quá dài',
  'error.email': 'Địa chỉ e-mail không hợp lệ',
  'error.phone': 'Số điện thoại không hợp lệ',
  'error.required': 'Trường này là bắt buộc',
  'registry.gtin.format': 'GTIN phải gồm 8, 12, 13 hoặc 14 chữ số',
  'registry.gtin.check': 'Số kiểm tra của GTIN không đúng',
  'registry.gtin.taken': 'GTIN này đã được đăng ký',
  'registry.gln.format': 'GLN phải gồm 13 chữ số',
  'registry.gln.check': 'Số kiểm tra của GLN không đúng',
  'registry.gln.taken': 'GLN này đã được đăng ký',
  'registry.taxCode.format': 'Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số và -NNN cho đơn vị phụ thuộc',
  'registry.taxCode.check': 'Số kiểm tra của mã số thuế không đúng',
  'registry.taxCode.taken': 'Mã số thuế này đã được đăng ký',
  'registry.gs1Prefix': 'Mã doanh nghiệp GS1 phải gồm 6 đến 12 chữ số',
  'registry.province.unknown': 'Mã tỉnh, thành phố không có trong danh mục 34 đơn vị hành chính cấp tỉnh',
  'registry.kind.unknown': 'Loại không hợp lệ',
  'registry.status.unknown': 'Trạng thái không hợp lệ',
  'registry.status.provinceOnly': 'Chỉ Sở mới được duyệt hoặc đình chỉ tổ chức',
  'registry.kind.provinceOnly': 'Chỉ Sở mới được thay đổi loại tổ chức',
  'registry.gps.pair': 'Cần nhập cả vĩ độ và kinh độ',
  'registry.gps.range': 'Tọa độ GPS nằm ngoài giới hạn (vĩ độ −90..90, kinh độ −180..180)',
  'registry.growingAreaCode': 'Mã số vùng trồng phải có dạng VN-<tỉnh>OR-NNNN',
  'registry.packingHouseCode': 'Mã số cơ sở đóng gói phải có dạng VN-<tỉnh>PH-NNNN',
  'registry.parent.unknown': 'Địa điểm cha không tồn tại trong tổ chức này',
  'registry.parent.cycle': 'Địa điểm không thể là cha của chính nó',
  'registry.productGroup.unknown': 'Nhóm sản phẩm không tồn tại',
  'registry.productGroup.taken': 'Mã nhóm sản phẩm đã tồn tại',
  'registry.productGroup.code': 'Mã nhóm chỉ gồm chữ thường, số, dấu chấm và gạch ngang',
  'registry.unit.unknown': 'Đơn vị tính không có trong danh mục UN/ECE Rec 20 được hỗ trợ',
  'registry.netContent': 'Khối lượng/thể tích tịnh phải là số dương, kèm đơn vị tính',
  'registry.shelfLife': 'Hạn sử dụng (ngày) phải là số nguyên không âm',
  'registry.ocopStars': 'Sản phẩm OCOP phải được xếp hạng từ 3 đến 5 sao',
  'registry.ocopStars.notOcop': 'Số sao chỉ dùng cho chứng nhận OCOP',
  'registry.date': 'Ngày phải có dạng YYYY-MM-DD',
  'registry.dates.order': 'Ngày bắt đầu hiệu lực phải trước ngày hết hạn',
  'registry.organisation.unknown': 'Tổ chức không tồn tại',
  'registry.attendees': 'Số người tham dự phải là số nguyên dương',
  'registry.text.long': 'Nội dung quá dài',
  'registry.media.type': 'Chỉ chấp nhận ảnh JPEG, PNG hoặc WebP',
  'registry.media.documentType': 'Chỉ chấp nhận tài liệu PDF hoặc ảnh JPEG, PNG, WebP',
  'registry.media.empty': 'Tệp tải lên rỗng',
  'import.file.type': 'Tệp nhập phải là CSV hoặc XLSX',
  'import.file.rows': 'Tệp có quá nhiều dòng',
  'import.file.empty': 'Tệp không có dòng dữ liệu nào',
  'import.file.header': 'Thiếu cột bắt buộc trong dòng tiêu đề',
  'import.file.unknownColumn': 'Cột không được hỗ trợ',
  'import.file.unreadable': 'Không đọc được tệp',
  'import.cell.formula': 'Không chấp nhận công thức trong ô; hãy nhập giá trị',
  'import.cell.number': 'Phải là một số',
  'import.cell.boolean': 'Phải là có/không (true/false)',
  'import.row.duplicate': 'Trùng với một dòng khác trong tệp',
  'import.failed': 'Nhập dữ liệu không thành công: có dòng không hợp lệ, không có dòng nào được ghi',
  'demo.loaded': 'Đã nạp dữ liệu mẫu Huế',
  'demo.already': 'Dữ liệu mẫu đã có sẵn, không thay đổi gì',
  'demo.signIns': 'Tài khoản dùng thử (mật khẩu {password})',
  'gs1.error.syntax': 'Không đúng cú pháp GS1',
  'gs1.error.unknown_ai': 'AI ({ai}) không có trong Từ điển cú pháp mã vạch GS1',
  'gs1.error.invalid_value': 'Giá trị của AI ({ai}) không hợp lệ',
  'gs1.error.check_digit': 'Số kiểm tra của AI ({ai}) không đúng',
  'gs1.error.duplicate_ai': 'AI ({ai}) xuất hiện nhiều lần',
  'gs1.error.missing_required_ai': 'AI ({ai}) phải đi kèm một AI bắt buộc khác',
  'gs1.error.exclusive_ai': 'AI ({ai}) không được dùng cùng một AI khác đang có',
  'gs1.error.not_a_primary_key': 'Không có khoá chính GS1 Digital Link',
  'gs1.error.bad_qualifier': 'Thành phần bổ trợ (qualifier) của Digital Link không hợp lệ hoặc sai thứ tự',
  'gs1.error.not_a_dl_attribute': 'AI ({ai}) không được phép nằm trong phần truy vấn của Digital Link',
  'gs1.error.compression': 'Không giải nén được Digital Link',
  'trace.finding.yield_below_range': 'Hiệu suất {yield} thấp hơn khoảng dự kiến {min}–{max}',
  'trace.finding.yield_above_range': 'Hiệu suất {yield} cao hơn khoảng dự kiến {min}–{max}',
  'trace.finding.output_exceeds_input': 'Đầu ra ({output} {unit}) nhiều hơn đầu vào ({input} {unit})',
  'trace.finding.incomparable_units': 'Không so sánh được các đơn vị đo (cần khai báo khối lượng tịnh của sản phẩm)',
  'trace.finding.missing_quantity': 'Một số đầu vào hoặc đầu ra không ghi số lượng',
  'trace.finding.shipped_more_than_available':
    'Đã xuất và sử dụng {out} {unit}, nhiều hơn {in} {unit} đã sản xuất và nhận',
  'trace.finding.received_less_than_shipped': 'Chỉ nhận {received} {unit} trong {shipped} {unit} đã gửi ({shipment})',
  'trace.finding.received_more_than_shipped': 'Nhận {received} {unit}, nhiều hơn {shipped} {unit} đã gửi ({shipment})',
} as const;

export type MessageKey = keyof typeof vi;

const en: Record<MessageKey, string> = {
  'app.name': 'Traceability system',
  'problem.validation': 'Invalid data',
  'problem.unauthenticated': 'Sign-in required',
  'problem.forbidden': 'Not allowed',
  'problem.not_found': 'Not found',
  'problem.conflict': 'Conflict',
  'problem.gone': 'Withdrawn',
  'problem.payload_too_large': 'Payload too large',
  'problem.unsupported_media_type': 'Unsupported media type',
  'problem.not_acceptable': 'Cannot produce the requested format',
  'problem.rate_limited': 'Too many requests, try again later',
  'problem.unavailable': 'Service temporarily unavailable',
  'problem.internal': 'Internal error',
  'error.password.short': 'The password must have at least 8 characters',
  'error.password.long': 'The password is too long',
  'error.email': 'Not a valid e-mail address',
  'error.phone': 'Not a valid phone number',
  'error.required': 'This field is required',
  'registry.gtin.format': 'A GTIN has 8, 12, 13 or 14 digits',
  'registry.gtin.check': 'The GTIN check digit is wrong',
  'registry.gtin.taken': 'This GTIN is already registered',
  'registry.gln.format': 'A GLN has 13 digits',
  'registry.gln.check': 'The GLN check digit is wrong',
  'registry.gln.taken': 'This GLN is already registered',
  'registry.taxCode.format': 'A tax code has 10 digits, or 10 digits and -NNN for a branch',
  'registry.taxCode.check': 'The tax code check digit is wrong',
  'registry.taxCode.taken': 'This tax code is already registered',
  'registry.gs1Prefix': 'A GS1 company prefix has 6 to 12 digits',
  'registry.province.unknown': 'Not one of the 34 provincial-level unit codes',
  'registry.kind.unknown': 'Unknown kind',
  'registry.status.unknown': 'Unknown status',
  'registry.status.provinceOnly': 'Only the province approves or suspends organisations',
  'registry.kind.provinceOnly': 'Only the province changes the kind of an organisation',
  'registry.gps.pair': 'Give both latitude and longitude',
  'registry.gps.range': 'GPS coordinates out of range (latitude −90..90, longitude −180..180)',
  'registry.growingAreaCode': 'A growing-area code looks like VN-<province>OR-NNNN',
  'registry.packingHouseCode': 'A packing-house code looks like VN-<province>PH-NNNN',
  'registry.parent.unknown': 'The parent location does not exist in this organisation',
  'registry.parent.cycle': 'A location cannot be its own ancestor',
  'registry.productGroup.unknown': 'Unknown product group',
  'registry.productGroup.taken': 'This product group code exists',
  'registry.productGroup.code': 'A group code has lower-case letters, digits, dots and dashes',
  'registry.unit.unknown': 'Not a supported UN/ECE Rec 20 unit code',
  'registry.netContent': 'Net content must be a positive number with a unit',
  'registry.shelfLife': 'Shelf life (days) must be a whole number ≥ 0',
  'registry.ocopStars': 'An OCOP rating has 3 to 5 stars',
  'registry.ocopStars.notOcop': 'Stars apply to OCOP ratings only',
  'registry.date': 'A date looks like YYYY-MM-DD',
  'registry.dates.order': 'Valid from must not be after valid to',
  'registry.organisation.unknown': 'Unknown organisation',
  'registry.attendees': 'The number of attendees must be a positive whole number',
  'registry.text.long': 'Too long',
  'registry.media.type': 'Only JPEG, PNG or WebP images are accepted',
  'registry.media.documentType': 'Only PDF documents or JPEG, PNG, WebP images are accepted',
  'registry.media.empty': 'The uploaded file is empty',
  'import.file.type': 'The import file must be CSV or XLSX',
  'import.file.rows': 'The file has too many rows',
  'import.file.empty': 'The file has no data rows',
  'import.file.header': 'A required column is missing from the header row',
  'import.file.unknownColumn': 'Unsupported column',
  'import.file.unreadable': 'The file cannot be read',
  'import.cell.formula': 'Formulas are not accepted in cells; enter the value',
  'import.cell.number': 'Must be a number',
  'import.cell.boolean': 'Must be yes/no (true/false)',
  'import.row.duplicate': 'Duplicates another row of the file',
  'import.failed': 'Import failed: some rows are invalid and nothing was written',
  'demo.loaded': 'The Huế demo data is loaded',
  'demo.already': 'The demo data is already there; nothing changed',
  'demo.signIns': 'Demo sign-ins (password {password})',
  'gs1.error.syntax': 'Not valid GS1 syntax',
  'gs1.error.unknown_ai': 'AI ({ai}) is not in the GS1 Barcode Syntax Dictionary',
  'gs1.error.invalid_value': 'The value of AI ({ai}) is not valid',
  'gs1.error.check_digit': 'Wrong check digit in AI ({ai})',
  'gs1.error.duplicate_ai': 'AI ({ai}) appears more than once',
  'gs1.error.missing_required_ai': 'AI ({ai}) requires another AI with it',
  'gs1.error.exclusive_ai': 'AI ({ai}) must not be used together with another AI present',
  'gs1.error.not_a_primary_key': 'No GS1 Digital Link primary key',
  'gs1.error.bad_qualifier': 'Digital Link key qualifier not allowed or out of order',
  'gs1.error.not_a_dl_attribute': 'AI ({ai}) is not allowed in a Digital Link query string',
  'gs1.error.compression': 'The compressed Digital Link does not decode',
  'trace.finding.yield_below_range': 'Yield {yield} is below the expected {min}–{max}',
  'trace.finding.yield_above_range': 'Yield {yield} is above the expected {min}–{max}',
  'trace.finding.output_exceeds_input': 'More came out ({output} {unit}) than went in ({input} {unit})',
  'trace.finding.incomparable_units': "The units cannot be compared (register the products' net content)",
  'trace.finding.missing_quantity': 'Some inputs or outputs carry no quantity',
  'trace.finding.shipped_more_than_available':
    'Shipped and used {out} {unit}, more than the {in} {unit} produced and received',
  'trace.finding.received_less_than_shipped': 'Received {received} {unit} of the {shipped} {unit} shipped ({shipment})',
  'trace.finding.received_more_than_shipped':
    'Received {received} {unit}, more than the {shipped} {unit} shipped ({shipment})',
};

export const catalogue: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { vi, en };

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(vi, key);
}

/** Translates a key, filling `{name}` placeholders; an unknown key is returned as is. */
export function t(locale: Locale, key: string, params: Record<string, string | number> = {}): string {
  const template = isMessageKey(key) ? catalogue[locale][key] : key;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Picks vi or en from an Accept-Language header; Vietnamese unless English is preferred. */
export function localeFromAcceptLanguage(header: string | undefined): Locale {
  if (!header) return 'vi';
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((x) => x.tag !== '' && !Number.isNaN(x.q))
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('vi')) return 'vi';
    if (tag.startsWith('en')) return 'en';
  }
  return 'vi';
}
