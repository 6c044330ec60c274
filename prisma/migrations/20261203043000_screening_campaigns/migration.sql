-- Grid monitoring and screening campaigns (hand-written: migrate diff panics in this environment)

-- CreateTable
CREATE TABLE "Grid" (
    "id" TEXT NOT NULL,
    "villageCode" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "workerId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Grid_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RosterEntry" (
    "householdId" TEXT NOT NULL,
    "villageCode" TEXT NOT NULL,
    "gridId" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "memberCount" INTEGER NOT NULL,
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RosterEntry_pkey" PRIMARY KEY ("householdId")
);

-- CreateTable
CREATE TABLE "CampaignVisit" (
    "campaignId" TEXT NOT NULL,
    "householdId" TEXT NOT NULL,
    "gridId" TEXT NOT NULL,
    "villageCode" TEXT NOT NULL,
    "townshipCode" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "result" TEXT,
    "visits" INTEGER NOT NULL DEFAULT 0,
    "caseId" TEXT,
    "note" TEXT,
    "visitedById" TEXT,
    "visitedAt" TIMESTAMP(3),
    "sampled" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "CampaignVisit_pkey" PRIMARY KEY ("campaignId","householdId")
);

-- CreateTable
CREATE TABLE "VillageLedger" (
    "campaignId" TEXT NOT NULL,
    "villageCode" TEXT NOT NULL,
    "townshipCode" TEXT NOT NULL,
    "meetingOn" TEXT NOT NULL,
    "attendees" INTEGER NOT NULL,
    "minutes" TEXT NOT NULL,
    "closedById" TEXT NOT NULL,
    "closedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VillageLedger_pkey" PRIMARY KEY ("campaignId","villageCode")
);

-- CreateIndex
CREATE UNIQUE INDEX "Grid_villageCode_name_key" ON "Grid"("villageCode", "name");

-- CreateIndex
CREATE INDEX "RosterEntry_villageCode_gridId_idx" ON "RosterEntry"("villageCode", "gridId");

-- CreateIndex
CREATE INDEX "RosterEntry_gridId_idx" ON "RosterEntry"("gridId");

-- CreateIndex
CREATE INDEX "CampaignVisit_campaignId_villageCode_idx" ON "CampaignVisit"("campaignId", "villageCode");

-- CreateIndex
CREATE INDEX "CampaignVisit_campaignId_gridId_idx" ON "CampaignVisit"("campaignId", "gridId");
