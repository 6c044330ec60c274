-- CreateTable
CREATE TABLE "Report" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "countyCode" TEXT NOT NULL,
    "periodKey" TEXT NOT NULL,
    "periodFrom" TIMESTAMP(3) NOT NULL,
    "periodTo" TIMESTAMP(3) NOT NULL,
    "version" INTEGER NOT NULL,
    "requestKey" TEXT NOT NULL,
    "scheduledAt" TIMESTAMP(3),
    "producedAt" TIMESTAMP(3) NOT NULL,
    "late" BOOLEAN NOT NULL DEFAULT false,
    "lateSeconds" INTEGER,
    "policyVersion" TEXT,
    "figures" JSONB NOT NULL,
    "ranking" JSONB NOT NULL,
    "bottom" TEXT[],
    "changes" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Report_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Report_requestKey_key" ON "Report"("requestKey");

-- CreateIndex
CREATE INDEX "Report_countyCode_kind_periodTo_idx" ON "Report"("countyCode", "kind", "periodTo");

-- CreateIndex
CREATE UNIQUE INDEX "Report_countyCode_kind_periodKey_version_key" ON "Report"("countyCode", "kind", "periodKey", "version");

-- A report version is immutable: a re-run adds a version, nothing rewrites or removes one.
-- The body spells its semicolons as \x3b: the migration runner splits the script on semicolons.
CREATE FUNCTION report_is_immutable() RETURNS trigger LANGUAGE plpgsql AS E'BEGIN RAISE EXCEPTION ''Report rows are immutable (a re-run adds a version)''\x3b END\x3b';

CREATE TRIGGER "Report_immutable" BEFORE UPDATE OR DELETE ON "Report" FOR EACH ROW EXECUTE FUNCTION report_is_immutable();
