/**
 * Mail plumbing shared by `npm start` and `npm run worker`: task-link options from the
 * configuration, and the outbox dispatcher sending through SMTP_URL (or the local catcher).
 */
import type { PrismaClient } from '@prisma/client';
import { loadCalendar } from '../activities/calendar/calendar';
import type { MailDispatcher } from '../activities/mail/dispatcher';
import { startMailDispatcher } from '../activities/mail/dispatcher';
import { smtpSender } from '../activities/mail/smtp';
import type { TaskLinkOptions } from '../api/links/link-token';
import { taskLinkOptions } from '../api/links/link-token';
import type { Config } from './config';

/** Task-link keys and lifetimes from the configuration. */
export function linkOptionsFromConfig(cfg: Config, secret: string): TaskLinkOptions {
  return taskLinkOptions({ secret, keys: cfg.TASK_LINK_KEYS, graceDays: cfg.TASK_LINK_GRACE_DAYS, contactDays: cfg.TASK_LINK_CONTACT_DAYS });
}

/** Starts the outbox dispatcher sending to `smtpUrl`. */
export function startMailFromConfig(o: {
  cfg: Config; prisma: PrismaClient; secret: string; smtpUrl: string; publicBaseUrl: string; log?: (m: string) => void;
}): { dispatcher: MailDispatcher; describe: string } {
  const sender = smtpSender({ url: o.smtpUrl, caPath: o.cfg.SMTP_TLS_CA_PATH, insecure: o.cfg.SMTP_TLS_INSECURE });
  const dispatcher = startMailDispatcher({
    prisma: o.prisma, sender, from: o.cfg.MAIL_FROM, publicBaseUrl: o.publicBaseUrl, links: linkOptionsFromConfig(o.cfg, o.secret),
    calendar: () => loadCalendar({ file: o.cfg.BANGFU_CALENDAR_FILE }), pollMs: o.cfg.MAIL_POLL_SECONDS * 1000, log: o.log,
  });
  return { dispatcher, describe: sender.describe };
}
