/**
 * A mail dispatcher that dies between send and record: it delivers one notification and kills
 * itself (SIGKILL) right after the SMTP server accepted the message, before the outbox row is
 * updated. Run by email-delivery.test.ts as a separate process.
 *
 * env: DATABASE_URL, SMTP_URL, NOTIFICATION_ID, PUBLIC_BASE_URL, MAIL_FROM, LINK_SECRET
 */
import { loadCalendar } from '../../activities/calendar/calendar';
import { createMailActivities } from '../../activities/mail/deliver-mail';
import { smtpSender } from '../../activities/mail/smtp';
import { taskLinkOptions } from '../../api/links/link-token';
import { createPrisma } from '../../runtime/prisma';

const env = (k: string): string => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} must be set`);
  return v;
};

const prisma = createPrisma(env('DATABASE_URL'));
const { deliverPendingMail } = createMailActivities({
  prisma, sender: smtpSender({ url: env('SMTP_URL') }), from: env('MAIL_FROM'), publicBaseUrl: env('PUBLIC_BASE_URL'),
  links: taskLinkOptions({ secret: env('LINK_SECRET') }), calendar: () => loadCalendar(), log: () => undefined,
  scope: () => ({ id: BigInt(env('NOTIFICATION_ID')) }),
  afterTransmit: () => {
    process.kill(process.pid, 'SIGKILL');
    return new Promise<void>(() => undefined);
  },
});
await deliverPendingMail();
console.error('mail-crash-child: delivered without dying (no notification?)');
process.exit(3);
