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
