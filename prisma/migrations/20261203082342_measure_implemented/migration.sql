-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "measureImplemented" BOOLEAN NOT NULL DEFAULT false;

-- Backfill: cases that already have an implemented measure
UPDATE "Case" c SET "measureImplemented" = true
WHERE EXISTS (SELECT 1 FROM "Measure" x WHERE x."caseId" = c.id AND x.status = 'IMPLEMENTED');
