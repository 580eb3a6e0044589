/**
 * Notifications: the public entry. `notify` writes an in-app notification, the e-mail outbox rows and the webhook
 * deliveries for an organisation (or the province) inside the caller's transaction.
 */
export { notify, setEmailTransport, type NotificationInput } from './notifications.service.ts';
export type { EmailMessage, EmailTransport } from './notification-email.ts';
