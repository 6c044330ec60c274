-- CreateIndex
CREATE INDEX "Case_countyCode_approvedAt_idx" ON "Case"("countyCode", "approvedAt");

-- CreateIndex
CREATE INDEX "Case_countyCode_status_eliminatedAt_idx" ON "Case"("countyCode", "status", "eliminatedAt");
