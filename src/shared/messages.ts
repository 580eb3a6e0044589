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
