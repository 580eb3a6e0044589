/** Texts of the notifications capability: e-mails sent from the outbox and the webhook endpoints' problems. */
export const notificationsVi = {
  'notifications.email.greeting': 'Kính gửi {organisation},',
  'notifications.email.open': 'Xem chi tiết: {url}',
  'notifications.email.footer':
    'Thư này được gửi tự động từ Hệ thống truy xuất nguồn gốc tỉnh Huế. Vui lòng không trả lời thư này.',
  'notifications.webhook.url': 'Địa chỉ webhook phải là URL http hoặc https công khai, không chứa thông tin đăng nhập',
  'notifications.webhook.kinds': 'Loại thông báo không hợp lệ',
} as const;

export const notificationsEn: Record<keyof typeof notificationsVi, string> = {
  'notifications.email.greeting': 'Dear {organisation},',
  'notifications.email.open': 'Details: {url}',
  'notifications.email.footer':
    'This message was sent automatically by the Huế province traceability system. Please do not reply to it.',
  'notifications.webhook.url': 'The webhook address must be a public http or https URL without credentials',
  'notifications.webhook.kinds': 'Unknown notification kind',
};
