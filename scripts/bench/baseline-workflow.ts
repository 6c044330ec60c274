/**
 * The bare Temporal baseline of `npm run bench`: the least a hand-written workflow does for the
 * same work as a household case from lead to county approval — a start and one Update per
 * decision, each Update running one activity that writes one row. Never deployed; bundled by
 * the bench only.
 */
import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

/** The baseline's activity: one row per Update. */
export interface BaselineActivities {
  writeRow(id: string, n: number): Promise<void>;
}

const { writeRow } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '10 seconds' });

/** One decision. */
export const baselineStepUpdate = defineUpdate<number, [number]>('step');

/** Accepts `steps` Updates, each writing one row, then completes. */
export async function baselineWorkflow(id: string, steps: number): Promise<void> {
  let done = 0;
  setHandler(baselineStepUpdate, async (n) => {
    await writeRow(id, n);
    done += 1;
    return done;
  });
  await condition(() => done >= steps);
}
