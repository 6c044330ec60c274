-- AlterTable
ALTER TABLE "Lead" ADD COLUMN     "taskQueue" TEXT;

-- CreateIndex
CREATE INDEX "Lead_taskQueue_receivedAt_idx" ON "Lead"("taskQueue", "receivedAt");
