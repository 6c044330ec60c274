/**
 * Ends the cases a harness created (withdrawn or closed), so their open tasks do not crowd the
 * task lists other test files read from the shared database.
 */
import type { Harness } from './harness';

export async function endCasesOf(h: Harness): Promise<void> {
  const open = await h.prisma.case.findMany({ where: { policyVersion: h.policy.version, status: { in: ['IDENTIFYING', 'MONITORED', 'ELIMINATING'] } } });
  for (const c of open) {
    if (c.status === 'IDENTIFYING') {
      await h.api('POST', `/api/cases/${c.id}/withdraw`, { as: 'off-admin', body: { reason: 'test finished' } });
    } else {
      await h.api('POST', `/api/cases/${c.id}/close`, { as: 'off-admin', body: { reason: 'OTHER', comment: 'test finished' } });
    }
  }
}
