-- CreateTable
CREATE TABLE "Import" (
    "id" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "taskQueue" TEXT NOT NULL,
    "fileName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Import_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportRow" (
    "importId" TEXT NOT NULL,
    "row" INTEGER NOT NULL,
    "leadRef" TEXT,
    "leadId" TEXT,
    "householdId" TEXT,
    "villageCode" TEXT,
    "townshipCode" TEXT,
    "countyCode" TEXT,
    "status" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "field" TEXT,
    "reason" TEXT,
    "claimedUntil" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),

    CONSTRAINT "ImportRow_pkey" PRIMARY KEY ("importId","row")
);

-- CreateIndex
CREATE INDEX "Import_createdAt_idx" ON "Import"("createdAt");

-- CreateIndex
CREATE INDEX "Import_taskQueue_idx" ON "Import"("taskQueue");

-- CreateIndex
CREATE INDEX "ImportRow_status_importId_row_idx" ON "ImportRow"("status", "importId", "row");

-- CreateIndex
CREATE INDEX "ImportRow_householdId_idx" ON "ImportRow"("householdId");
