-- CreateTable
CREATE TABLE "WelfareJobQuota" (
    "year" INTEGER NOT NULL,
    "townshipCode" TEXT NOT NULL,
    "posts" INTEGER NOT NULL,
    "postNames" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "setById" TEXT NOT NULL,
    "setAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "announcedAt" TIMESTAMP(3),
    "announcedOn" TEXT,
    "announcementText" TEXT,
    "announcedById" TEXT,

    CONSTRAINT "WelfareJobQuota_pkey" PRIMARY KEY ("year","townshipCode")
);

-- CreateIndex
CREATE INDEX "WelfareJobQuota_townshipCode_idx" ON "WelfareJobQuota"("townshipCode");

-- A quota is never negative (the API refuses it with 400 first)
ALTER TABLE "WelfareJobQuota" ADD CONSTRAINT "WelfareJobQuota_posts_check" CHECK ("posts" >= 0);
