/**
 * SMTP through nodemailer's SMTP client, in two phases so delivery can tell "nothing was sent"
 * from "the server may have the message": {@link MailSender.open} connects, greets, upgrades to
 * TLS and logs in (a failure there sent nothing); {@link MailSession.send} then transmits one
 * message on the open session.
 */
import fs from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { parseConnectionUrl } from 'nodemailer/lib/shared';

/** An open SMTP session. */
export interface MailSession {
  /** Transmits one message; resolves with the server's reply once it has accepted it. */
  send(envelope: { from: string; to: string[] }, raw: Buffer): Promise<string>;
  /** Ends the session (QUIT). */
  close(): void;
}

/** Opens SMTP sessions; tests may pass another implementation. */
export interface MailSender {
  /** Connects and authenticates. A rejection means nothing was transmitted. */
  open(): Promise<MailSession>;
  /** Where mail goes, without credentials (for logs). */
  readonly describe: string;
}

/** Options of {@link smtpSender}. */
export interface SmtpOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered; `?requireTLS=true` to insist) or `smtps://…:465` (implicit TLS). */
  url: string;
  /** PEM file of a private CA for the server's certificate. */
  caPath?: string;
  /** Accept any certificate (test relays only). @default false */
  insecure?: boolean;
  /** Socket timeouts; keep them well below the outbox claim lease. @default 30 000 ms */
  timeoutMs?: number;
}

/** An SMTP error's reply code, when the server answered (e.g. 550). */
export function smtpResponseCode(err: unknown): number | undefined {
  const code = (err as { responseCode?: unknown })?.responseCode;
  return typeof code === 'number' ? code : undefined;
}

/** Mail delivery over SMTP from `SMTP_URL`. */
export function smtpSender(o: SmtpOptions): MailSender {
  const parsed = parseConnectionUrl(o.url);
  const tls: ConnectionOptions = { ...(parsed.tls ?? {}) };
  if (o.caPath) tls.ca = fs.readFileSync(o.caPath);
  if (o.insecure) tls.rejectUnauthorized = false;
  const timeout = o.timeoutMs ?? 30_000;
  const options: SMTPConnection.Options = {
    ...parsed, tls, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout * 2,
  };
  const auth = parsed.auth as SMTPConnection.Credentials | undefined;
  const describe = `${parsed.secure ? 'smtps' : 'smtp'}://${parsed.host ?? 'localhost'}:${parsed.port ?? (parsed.secure ? 465 : 587)}`;

  return {
    describe,
    open: () =>
      new Promise<MailSession>((resolve, reject) => {
        const conn = new SMTPConnection(options);
        let settled = false;
        const fail = (err: Error): void => {
          if (settled) return;
          settled = true;
          conn.close();
          reject(err);
        };
        conn.once('error', fail);
        conn.connect((err) => {
          if (err) return fail(err);
          const ready = (): void => {
            settled = true;
            conn.removeListener('error', fail);
            // Later socket errors surface through send(); keep one listener so they never crash the process.
            conn.on('error', () => undefined);
            resolve({
              send: (envelope, raw) =>
                new Promise<string>((res, rej) => {
                  conn.send(envelope, raw, (e, info) => (e ? rej(e) : res(info.response)));
                }),
              close: () => conn.quit(),
            });
          };
          if (!auth?.user) return ready();
          conn.login({ user: auth.user, pass: auth.pass }, (e) => (e ? fail(e) : ready()));
        });
      }),
  };
}
