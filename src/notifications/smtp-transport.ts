import nodemailer from 'nodemailer';
import type { EmailTransport } from './notification-email.ts';

/**
 * The SMTP e-mail transport (nodemailer), configured by `SMTP_URL` (`smtp://user:pass@host:587` upgrades with
 * STARTTLS when the server offers it, `smtps://…:465` is TLS from the start) and `MAIL_FROM`. One message per
 * outbox row, to the organisation's addresses.
 */
export function smtpTransport(url: string, from: string): EmailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    send: async (message) => {
      await transporter.sendMail({ from, to: [...message.to], subject: message.subject, text: message.text });
    },
  };
}
