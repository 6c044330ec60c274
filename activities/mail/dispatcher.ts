/**
 * The mail dispatcher: runs the delivery activity over the outbox every few seconds in the worker
 * process (and in `npm start`), and records link revocations.
 *
 * Why a loop over the outbox table and not a Temporal workflow: the outbox rows are already the
 * durable queue (written in the same transaction as the case event), so a stopped process loses
 * nothing — the next one picks the rows up; each row carries its own backoff, so one bad
 * address never holds the others back; and any number of processes may run it side by side
 * (claims are compare-and-set).
 */
import { revokeStaleLinks } from '../../api/links/revoke-links';
import type { MailDeliveryDeps } from './deliver-mail';
import { createMailActivities } from './deliver-mail';

/** Options of {@link startMailDispatcher}. */
export interface MailDispatcherOptions extends MailDeliveryDeps {
  /** Pause between passes. @default 2000 ms */
  pollMs?: number;
  /** How often revocations are recorded. @default 10 000 ms */
  revokeEveryMs?: number;
}

/** A running dispatcher. */
export interface MailDispatcher {
  /** Runs a pass now (tests, and after a burst of writes). */
  wake(): void;
  /** Finishes the current pass and stops. */
  stop(): Promise<void>;
}

/** Starts the dispatcher loop. */
export function startMailDispatcher(o: MailDispatcherOptions): MailDispatcher {
  const { deliverPendingMail } = createMailActivities(o);
  const log = o.log ?? ((m: string) => console.log(`[mail] ${m}`));
  const pollMs = o.pollMs ?? 2000;
  const revokeEveryMs = o.revokeEveryMs ?? 10_000;
  let stopped = false;
  let lastRevoke = 0;
  let timer: NodeJS.Timeout | null = null;
  let wakeUp: (() => void) | null = null;
  let lastError = '';

  const loop = async (): Promise<void> => {
    while (!stopped) {
      let more = false;
      try {
        if (Date.now() - lastRevoke >= revokeEveryMs) {
          lastRevoke = Date.now();
          await revokeStaleLinks(o.prisma);
        }
        const r = await deliverPendingMail();
        more = r.more;
        lastError = '';
      } catch (err) {
        // Database hiccups: log once per distinct message and keep going.
        const msg = (err as Error).message;
        if (msg !== lastError) log(`delivery pass failed (will retry): ${msg}`);
        lastError = msg;
      }
      if (stopped) break;
      if (!more) {
        await new Promise<void>((resolve) => {
          wakeUp = resolve;
          timer = setTimeout(resolve, pollMs);
        });
        wakeUp = null;
      }
    }
  };
  const running = loop();
  return {
    wake() {
      if (timer) clearTimeout(timer);
      wakeUp?.();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      wakeUp?.();
      await running;
    },
  };
}
