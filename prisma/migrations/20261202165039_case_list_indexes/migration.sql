-- DropIndex
DROP INDEX "Case_townshipCode_idx";

-- DropIndex
DROP INDEX "Case_villageCode_idx";

-- CreateIndex
CREATE INDEX "Case_openedAt_id_idx" ON "Case"("openedAt" DESC, "id");

-- CreateIndex
CREATE INDEX "Case_countyCode_openedAt_id_idx" ON "Case"("countyCode", "openedAt" DESC, "id");

-- CreateIndex
CREATE INDEX "Case_countyCode_status_openedAt_id_idx" ON "Case"("countyCode", "status", "openedAt" DESC, "id");

-- CreateIndex
CREATE INDEX "Case_countyCode_status_step_idx" ON "Case"("countyCode", "status", "step");

-- CreateIndex
CREATE INDEX "Case_countyCode_step_idx" ON "Case"("countyCode", "step");

-- CreateIndex
CREATE INDEX "Case_townshipCode_openedAt_id_idx" ON "Case"("townshipCode", "openedAt" DESC, "id");

-- CreateIndex
CREATE INDEX "Case_townshipCode_countyCode_idx" ON "Case"("townshipCode", "countyCode");

-- CreateIndex
CREATE INDEX "Case_villageCode_openedAt_id_idx" ON "Case"("villageCode", "openedAt" DESC, "id");

-- CreateIndex
CREATE INDEX "Contact_caseId_idx" ON "Contact"("caseId");

-- CreateIndex
CREATE INDEX "Measure_caseId_status_idx" ON "Measure"("caseId", "status");

-- CreateIndex
CREATE INDEX "Objection_caseId_idx" ON "Objection"("caseId");
