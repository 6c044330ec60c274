/** The programme lists' filters become one SQL `where` on the Process table, always within the official's region. */
import { describe, expect, it } from 'vitest';
import type { AuthOfficial } from '../../api/auth/authenticate';
import { programmeListWhere } from '../../api/services/list-programmes';

const township = { id: 't1', role: 'TOWNSHIP', regionCode: '410599100000', regionLevel: 'TOWNSHIP', name: 't', language: 'zh-CN' } as unknown as AuthOfficial;
const NOW = new Date('2026-03-10T02:00:00Z');

describe('programme list filters', () => {
  it('a loan list by grade and overdue tasks keeps the kind and the region scope and adds each filter', () => {
    const w = programmeListWhere(township, 'loans', { grade: 2, overdue: true, villageCode: '410599100201' }, NOW) as { AND: unknown[] };
    expect(w.AND[0]).toEqual({ kind: 'MICROCREDIT' });
    expect(JSON.stringify(w.AND[1])).toContain('410599100000');
    expect(w.AND).toContainEqual({ status: 'OVERDUE_31_90' });
    expect(w.AND).toContainEqual({ villageCode: '410599100201' });
    expect(w.AND).toContainEqual({ tasks: { some: { status: 'OPEN', dueAt: { lt: NOW } } } });
  });

  it('posts with late confirmations and settlements by completeness filter on the process data', () => {
    const posts = programmeListWhere(township, 'posts', { lateConfirmations: true }, NOW) as { AND: unknown[] };
    expect(posts.AND).toContainEqual({ data: { path: ['monthsLate'], gt: 0 } });
    expect((programmeListWhere(township, 'settlements', { completeness: 'INCOMPLETE' }, NOW) as { AND: unknown[] }).AND).toContainEqual({ NOT: { status: 'COMPLETE' } });
    const late = programmeListWhere(township, 'settlements', { completeness: 'LATE' }, NOW) as { AND: unknown[] };
    expect(JSON.stringify(late.AND.at(-1))).toContain('"late"');
    expect((programmeListWhere(township, 'settlements', {}, NOW) as { AND: unknown[] }).AND).toHaveLength(2);
  });
});
