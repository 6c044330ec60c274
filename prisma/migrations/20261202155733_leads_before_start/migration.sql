-- CreateTable
CREATE TABLE "Lead" (
    "id" TEXT NOT NULL,
    "leadKey" TEXT,
    "householdId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "riskTypes" TEXT[],
    "healthDetailsSealed" TEXT,
    "incomePerCapita" INTEGER,
    "summary" TEXT,
    "contactId" TEXT,
    "villageCode" TEXT NOT NULL,
    "openedById" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Lead_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Lead_leadKey_key" ON "Lead"("leadKey");

-- CreateIndex
CREATE INDEX "Lead_householdId_receivedAt_idx" ON "Lead"("householdId", "receivedAt");
