/** 安置点就业统计 — the sums of a settlement's relocated households (pure). */
import { describe, expect, it } from 'vitest';
import type { RelocatedRow } from '../../api/services/settlement-figures';
import { employmentOf } from '../../api/services/settlement-figures';

const row = (employment: RelocatedRow['employment'], more: Partial<RelocatedRow> = {}): RelocatedRow => ({
  settlementId: 'S', employment, visits: 1, lateVisits: 0, visitOverdue: false, ended: false, ...more,
});

describe('settlement employment figures', () => {
  it('households in work count their working members; seeking work and no labour apart; the rate is employed over those with labour', () => {
    const e = employmentOf([
      row({ status: 'EMPLOYED_AWAY', workers: 2 }), row({ status: 'SELF_EMPLOYED', workers: 1 }, { lateVisits: 2 }),
      row({ status: 'SEEKING_WORK', workers: 0 }, { visitOverdue: true }), row({ status: 'NO_LABOUR', workers: 0 }), row(null),
    ]);
    expect(e).toEqual({
      households: 5, employedHouseholds: 2, workers: 3, seekingWork: 1, noLabour: 1, notRecorded: 1,
      employmentRate: 2 / 3, visits: 5, lateVisits: 2, overdueVisits: 1,
    });
  });

  it('follow-ups that ended are not counted, and a settlement with no household with labour recorded has no rate', () => {
    const e = employmentOf([row({ status: 'EMPLOYED_LOCAL', workers: 4 }, { ended: true }), row({ status: 'NO_LABOUR', workers: 0 })]);
    expect(e).toMatchObject({ households: 1, employedHouseholds: 0, workers: 0, noLabour: 1, employmentRate: null });
    expect(employmentOf([])).toMatchObject({ households: 0, employmentRate: null });
  });
});
