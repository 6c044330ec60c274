-- AlterTable
ALTER TABLE "Measure" ADD COLUMN     "endedOn" TIMESTAMP(3);
