import { describe, expect, it } from 'vitest';
import { renderNotificationEmail } from './notification-email.ts';

describe('notification e-mail', () => {
  const base = {
    organisationName: 'Cửa hàng Đặc sản Huế',
    titleKey: 'trace.notification.recallOpened.medium',
    params: { lots: 'HS-2606', reason: 'Nhiễm nấm mốc' },
    publicUrl: 'https://truyxuat.hue.gov.vn/',
  };

  it('writes Vietnamese first, then English, with the link on the public URL', () => {
    const mail = renderNotificationEmail({ ...base, link: '/app/recalls/abc' });
    expect(mail.subject).toBe(
      'Thu hồi sản phẩm, mức độ trung bình: HS-2606 — Nhiễm nấm mốc / Product recall, medium severity: HS-2606 — Nhiễm nấm mốc',
    );
    expect(mail.body.indexOf('Kính gửi Cửa hàng Đặc sản Huế,')).toBeLessThan(mail.body.indexOf('Dear '));
    expect(mail.body).toContain('Xem chi tiết: https://truyxuat.hue.gov.vn/app/recalls/abc');
    expect(mail.body).toContain('Details: https://truyxuat.hue.gov.vn/app/recalls/abc');
  });

  it('keeps line breaks out of the subject and leaves absolute links alone', () => {
    const mail = renderNotificationEmail({
      ...base,
      params: { lots: 'X\r\nBcc: attacker@example.com', reason: 'r' },
      link: 'https://example.com/x',
    });
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.body).toContain('https://example.com/x');
    expect(renderNotificationEmail({ ...base, link: null }).body).not.toContain('Xem chi tiết');
  });
});
