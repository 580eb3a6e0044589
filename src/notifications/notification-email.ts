import { t, type Locale } from '../shared/messages.ts';

/**
 * The e-mail of a notification (pure): the subject in Vietnamese with the English after it, the body in both
 * languages (Vietnamese first), with the notification's link made absolute on the installation's public URL.
 */

export interface EmailMessage {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
}

/** What the sender job hands an e-mail to (an SMTP client, a provider's API). Throws when it could not send. */
export interface EmailTransport {
  send(message: EmailMessage): Promise<void>;
}

export interface EmailContent {
  readonly subject: string;
  readonly body: string;
}

export function renderNotificationEmail(input: {
  readonly organisationName: string;
  readonly titleKey: string;
  readonly params: Readonly<Record<string, string | number>>;
  readonly link: string | null;
  readonly publicUrl: string;
}): EmailContent {
  const url = input.link === null ? null : absoluteLink(input.link, input.publicUrl);
  const part = (locale: Locale) =>
    [
      t(locale, 'notifications.email.greeting', { organisation: input.organisationName }),
      '',
      t(locale, input.titleKey, input.params),
      ...(url ? ['', t(locale, 'notifications.email.open', { url })] : []),
      '',
      t(locale, 'notifications.email.footer'),
    ].join('\n');
  const vi = t('vi', input.titleKey, input.params);
  const en = t('en', input.titleKey, input.params);
  // A header line never carries a line break (header injection through a lot code or a reason).
  const subject = (vi === en ? vi : `${vi} / ${en}`).replace(/[\r\n]+/g, ' ').slice(0, 250);
  return { subject, body: `${part('vi')}\n\n----\n\n${part('en')}\n` };
}

function absoluteLink(link: string, publicUrl: string): string {
  if (/^https?:\/\//i.test(link)) return link;
  return `${publicUrl.replace(/\/+$/, '')}/${link.replace(/^\/+/, '')}`;
}
