import { describe, expect, it } from 'vitest';
import { contactHistoryOf } from '../../api/services/contact-history';

const ev = (at: string, action: string, data: unknown = null, comment: string | null = null) => ({ at: new Date(at), action, data, comment });

describe('帮扶责任人变更记录 (contactHistoryOf)', () => {
  it('a household never reassigned has one contact, since the first event naming them or else the approval', () => {
    expect(contactHistoryOf([ev('2026-03-01T00:00:00Z', 'COUNTY_APPROVED')], 'c1', '2026-03-01T00:00:00.000Z'))
      .toEqual([{ officialId: 'c1', since: '2026-03-01T00:00:00.000Z', until: null, reason: null }]);
    expect(contactHistoryOf([ev('2026-03-02T00:00:00Z', 'CONTACT_ASSIGNED', { contactId: 'c1' })], 'c1', '2026-03-01T00:00:00.000Z')[0].since).toBe('2026-03-02T00:00:00.000Z');
  });

  it('each reassignment ends the previous contact and starts the next on its date, with its reason', () => {
    const h = contactHistoryOf([
      ev('2026-03-01T00:00:00Z', 'COUNTY_APPROVED'),
      ev('2026-05-10T02:00:00Z', 'CONTACT_REASSIGNED', { from: 'c1', to: 'c2' }, '工作调动'),
      ev('2026-07-01T02:00:00Z', 'CONTACT_REASSIGNED', { from: 'c2', to: 'c3' }, 'deactivated: c2'),
    ], 'c3', '2026-03-01T00:00:00.000Z');
    expect(h).toEqual([
      { officialId: 'c1', since: '2026-03-01T00:00:00.000Z', until: '2026-05-10T02:00:00.000Z', reason: null },
      { officialId: 'c2', since: '2026-05-10T02:00:00.000Z', until: '2026-07-01T02:00:00.000Z', reason: '工作调动' },
      { officialId: 'c3', since: '2026-07-01T02:00:00.000Z', until: null, reason: 'deactivated: c2' },
    ]);
  });

  it('no contact named: no history', () => {
    expect(contactHistoryOf([], null, null)).toEqual([]);
  });
});
