/**
 * The local mail catcher: when no SMTP_URL is set, `npm start` runs this SMTP server on
 * 127.0.0.1 and keeps every message in Postgres (table CaughtMail), where the administrator
 * reads it at /admin/mail. Mail is never silently dropped.
 */
import type { PrismaClient } from '@prisma/client';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { getFreePort, isPortFree } from './net';

/** A running catcher. */
export interface MailCatcher {
  /** `smtp://127.0.0.1:<port>` — what the dispatcher sends to. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts the catcher on `port` (or a free port when it is taken). */
export async function startMailCatcher(opts: { prisma: PrismaClient; port?: number; log?: (m: string) => void }): Promise<MailCatcher> {
  const port = opts.port && (await isPortFree(opts.port)) ? opts.port : await getFreePort();
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    banner: 'Bangfu local mail catcher',
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true })
          .then((mail) => opts.prisma.caughtMail.create({
            data: {
              raw, messageId: mail.messageId ?? null, subject: mail.subject ?? null,
              envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            },
          }))
          // Reply only once the message is stored: a failure here makes the sender retry.
          .then(() => callback(), (err: Error) => callback(err));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  server.on('error', (err) => opts.log?.(`mail catcher: ${err.message}`));
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
