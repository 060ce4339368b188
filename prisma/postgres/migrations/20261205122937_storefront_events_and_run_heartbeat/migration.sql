-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN     "heartbeatAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "RecVisit" (
    "shop" TEXT NOT NULL,
    "visitId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "impressions" INTEGER NOT NULL DEFAULT 0,
    "clicks" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RecVisit_pkey" PRIMARY KEY ("shop","visitId","productId")
);

-- CreateTable
CREATE TABLE "RecAttribution" (
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "clickedAt" TIMESTAMP(3) NOT NULL,
    "processedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RecAttribution_pkey" PRIMARY KEY ("shop","orderId")
);

-- CreateTable
CREATE TABLE "ProxyNonce" (
    "shop" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProxyNonce_pkey" PRIMARY KEY ("shop","nonce")
);

-- CreateIndex
CREATE INDEX "RecVisit_shop_day_idx" ON "RecVisit"("shop", "day");

-- CreateIndex
CREATE INDEX "RecAttribution_shop_processedAt_idx" ON "RecAttribution"("shop", "processedAt");

-- CreateIndex
CREATE INDEX "ProxyNonce_seenAt_idx" ON "ProxyNonce"("seenAt");

