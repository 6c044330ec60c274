/**
 * A real SMTP server for tests (smtp-server), capturing every message it accepts. It can be
 * stopped and started again on the same port to play an outage.
 */
import type { ParsedMail } from 'mailparser';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { getFreePort } from '../../runtime/net';

/** A message the server accepted. */
export interface CapturedMail {
  raw: string;
  parsed: ParsedMail;
  messageId: string;
  to: string[];
  subject: string;
  /** X-Bangfu-Kind: the notification kind. */
  kind: string;
  text: string;
  html: string;
  /** The first task link (`…/t/<token>`) in the text part. */
  link: string | null;
}

export interface TestSmtp {
  url: string;
  port: number;
  messages: CapturedMail[];
  /** Messages to an address (case-insensitive). */
  to(address: string): CapturedMail[];
  /** Waits for a message matching `pred` and returns it. */
  waitFor(pred: (m: CapturedMail) => boolean, what: string, timeoutMs?: number): Promise<CapturedMail>;
  /** Stops listening (an outage); `start()` listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Starts a capturing SMTP server on a free port of 127.0.0.1. */
export async function startTestSmtp(): Promise<TestSmtp> {
  const port = await getFreePort();
  const messages: CapturedMail[] = [];
  let server: SMTPServer | null = null;

  const make = (): SMTPServer =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw).then(
            (parsed) => {
              const text = parsed.text ?? '';
              messages.push({
                raw, parsed, messageId: parsed.messageId ?? '', to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
                subject: parsed.subject ?? '', kind: String(parsed.headers.get('x-bangfu-kind') ?? ''), text, html: typeof parsed.html === 'string' ? parsed.html : '',
                link: /(https?:\/\/\S+\/t\/[A-Za-z0-9_.-]+)/.exec(text)?.[1] ?? null,
              });
              callback();
            },
            (err: Error) => callback(err),
          );
        });
      },
    });

  const t: TestSmtp = {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    to: (address) => messages.filter((m) => m.to.includes(address.toLowerCase())),
    async waitFor(pred, what, timeoutMs = 30_000) {
      const start = Date.now();
      while (Date.now() - start < timeoutMs) {
        const m = messages.find(pred);
        if (m) return m;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for mail: ${what} (got: ${messages.map((m) => m.subject).join(' | ')})`);
    },
    async stop() {
      const s = server;
      server = null;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async start() {
      if (server) return;
      const s = make();
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => resolve());
      });
      server = s;
    },
  };
  await t.start();
  return t;
}
