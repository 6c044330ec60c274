/**
 * Records revocations: a link is only ever valid while its task is open and lists its official
 * (checked again whenever the link is used), and this sweep writes down when and why each link
 * stopped being valid — decided, transferred or closed — for the audit.
 */
import type { PrismaClient } from '@prisma/client';

/** Marks links revoked whose task or case no longer allows them; returns how many. */
export async function revokeStaleLinks(prisma: PrismaClient): Promise<number> {
  const tasks = await prisma.$executeRaw`
    UPDATE "TaskLink" l
       SET "revokedAt" = now(),
           "revokedReason" = CASE WHEN t.status = 'DONE' THEN 'TASK_DECIDED'
                                  WHEN t.status <> 'OPEN' THEN 'TASK_CLOSED'
                                  ELSE 'TRANSFERRED' END
      FROM "Task" t
     WHERE l."taskId" = t.id AND l."revokedAt" IS NULL AND l."usedAt" IS NULL
       AND (t.status <> 'OPEN' OR (l.purpose = 'DECIDE' AND NOT (l."officialId" = ANY (t."allowedIds"))
            -- Transferred away, as the link check says: a link never valid for its official is not "transferred".
            AND EXISTS (SELECT 1 FROM "AuditEvent" a WHERE a."taskId" = t.id AND a.action = 'TASK_TRANSFERRED')))`;
  const cases = await prisma.$executeRaw`
    UPDATE "TaskLink" l
       SET "revokedAt" = now(),
           "revokedReason" = CASE WHEN c.status IN ('REJECTED', 'WITHDRAWN', 'ELIMINATED', 'CLOSED') THEN 'CASE_CLOSED' ELSE 'TRANSFERRED' END
      FROM "Case" c
     WHERE l."caseId" = c.id AND l.purpose = 'CONTACT' AND l."revokedAt" IS NULL AND l."usedAt" IS NULL
       AND (c.status IN ('REJECTED', 'WITHDRAWN', 'ELIMINATED', 'CLOSED') OR c."contactId" IS DISTINCT FROM l."officialId")`;
  return tasks + cases;
}
