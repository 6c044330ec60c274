-- Policies move out of the case row into a table of their own, one row per distinct policy.
-- Existing cases keep their pinned policy: each distinct body is stored once under a legacy key
-- (new cases are keyed by runtime/policy-hash.ts). The old column's bytes stay in existing tuples
-- until rows are rewritten, VACUUM FULL "Case" reclaims the space at once (see README).

-- CreateTable
CREATE TABLE "Policy" (
    "hash" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Policy_pkey" PRIMARY KEY ("hash")
);

ALTER TABLE "Case" ADD COLUMN "policyHash" TEXT;

INSERT INTO "Policy" ("hash", "version", "body")
SELECT DISTINCT ON (md5("policy"::text)) 'legacy-' || md5("policy"::text), "policyVersion", "policy" FROM "Case";

UPDATE "Case" SET "policyHash" = 'legacy-' || md5("policy"::text);

ALTER TABLE "Case" DROP COLUMN "policy";

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_policyHash_fkey" FOREIGN KEY ("policyHash") REFERENCES "Policy"("hash") ON DELETE SET NULL ON UPDATE CASCADE;
