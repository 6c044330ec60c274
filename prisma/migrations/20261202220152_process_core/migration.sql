-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "processId" TEXT,
ALTER COLUMN "caseId" DROP NOT NULL;

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "processId" TEXT;

-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "processId" TEXT,
ALTER COLUMN "caseId" DROP NOT NULL;

-- AlterTable
ALTER TABLE "TaskLink" ADD COLUMN     "processId" TEXT,
ALTER COLUMN "caseId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "Process" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "step" TEXT,
    "villageCode" TEXT,
    "townshipCode" TEXT,
    "countyCode" TEXT NOT NULL,
    "householdId" TEXT,
    "caseId" TEXT,
    "policyVersion" TEXT,
    "data" JSONB,
    "commitSeq" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "Process_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Process_workflowId_key" ON "Process"("workflowId");

-- CreateIndex
CREATE INDEX "Process_kind_createdAt_id_idx" ON "Process"("kind", "createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "Process_countyCode_kind_createdAt_idx" ON "Process"("countyCode", "kind", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Process_townshipCode_idx" ON "Process"("townshipCode");

-- CreateIndex
CREATE INDEX "Process_caseId_idx" ON "Process"("caseId");

-- CreateIndex
CREATE INDEX "AuditEvent_processId_at_idx" ON "AuditEvent"("processId", "at");

-- CreateIndex
CREATE INDEX "Notification_processId_idx" ON "Notification"("processId");

-- CreateIndex
CREATE INDEX "Task_processId_idx" ON "Task"("processId");

-- CreateIndex
CREATE INDEX "TaskLink_processId_idx" ON "TaskLink"("processId");

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_processId_fkey" FOREIGN KEY ("processId") REFERENCES "Process"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_processId_fkey" FOREIGN KEY ("processId") REFERENCES "Process"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_processId_fkey" FOREIGN KEY ("processId") REFERENCES "Process"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskLink" ADD CONSTRAINT "TaskLink_processId_fkey" FOREIGN KEY ("processId") REFERENCES "Process"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Process core (hand-written, as Prisma has no CHECK constraints): a task, an audit event and a task
-- link belong to exactly one household case or one process.
ALTER TABLE "Task" ADD CONSTRAINT "Task_one_owner_check" CHECK (num_nonnulls("caseId", "processId") = 1);
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_one_owner_check" CHECK (num_nonnulls("caseId", "processId") = 1);
ALTER TABLE "TaskLink" ADD CONSTRAINT "TaskLink_one_owner_check" CHECK (num_nonnulls("caseId", "processId") = 1);
-- A notification may belong to neither (e.g. a mail about no case), never to both.
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_one_owner_check" CHECK (num_nonnulls("caseId", "processId") <= 1);
