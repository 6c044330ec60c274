-- CreateTable
CREATE TABLE "ProgrammePersonalData" (
    "processId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "householdId" TEXT NOT NULL,
    "bankAccountSealed" TEXT,
    "idNumberSealed" TEXT,
    "personKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProgrammePersonalData_pkey" PRIMARY KEY ("processId")
);

-- CreateIndex
CREATE INDEX "ProgrammePersonalData_householdId_idx" ON "ProgrammePersonalData"("householdId");

-- CreateIndex
CREATE INDEX "ProgrammePersonalData_personKey_idx" ON "ProgrammePersonalData"("personKey");
