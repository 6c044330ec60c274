/**
 * Durable timers (计时器) by name: the workflow says which deadlines it waits for, each with a
 * summary naming it, and this block starts, keeps or cancels one Temporal timer per deadline.
 * The summary is written into the history, so the admin timeline and the Temporal Web UI read
 * "识别认定时限 identification SLA" instead of guessing from a fire time.
 */
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';

/** A deadline the workflow waits for. */
export interface WantedTimer {
  /** Epoch milliseconds. */
  at: number;
  /** One line naming the deadline; no personal data. */
  summary: string;
}

/** The timers of one workflow run. */
export class DurableTimers {
  private readonly timers = new Map<string, { at: number; scope: CancellationScope }>();
  /** Set when any timer fired; the loop clears it. */
  fired = false;

  /** Keeps the timers whose deadline is unchanged, cancels the rest, starts the new ones. */
  sync(want: Map<string, WantedTimer>, now: number): void {
    for (const [name, t] of this.timers) {
      if (want.get(name)?.at !== t.at) {
        t.scope.cancel();
        this.timers.delete(name);
      }
    }
    for (const [name, w] of want) {
      if (this.timers.has(name)) continue;
      const scope = new CancellationScope();
      const entry = { at: w.at, scope };
      this.timers.set(name, entry);
      scope.run(() => sleep(Math.max(w.at - now, 1), { summary: w.summary })).then(
        () => {
          if (this.timers.get(name) === entry) this.timers.delete(name);
          this.fired = true;
        },
        (err: unknown) => {
          if (!isCancellation(err)) throw err;
        },
      );
    }
  }

  /** Cancels every timer (before continue-as-new or completion). */
  cancelAll(): void {
    for (const t of this.timers.values()) t.scope.cancel();
    this.timers.clear();
  }
}
