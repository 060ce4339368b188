-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN "heartbeatAt" DATETIME;

-- CreateTable
CREATE TABLE "RecVisit" (
    "shop" TEXT NOT NULL,
    "visitId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "impressions" INTEGER NOT NULL DEFAULT 0,
    "clicks" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("shop", "visitId", "productId")
);

-- CreateTable
CREATE TABLE "RecAttribution" (
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "clickedAt" DATETIME NOT NULL,
    "processedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "orderId")
);

-- CreateTable
CREATE TABLE "ProxyNonce" (
    "shop" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "seenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shop", "nonce")
);

-- CreateIndex
CREATE INDEX "RecVisit_shop_day_idx" ON "RecVisit"("shop", "day");

-- CreateIndex
CREATE INDEX "RecAttribution_shop_processedAt_idx" ON "RecAttribution"("shop", "processedAt");

-- CreateIndex
CREATE INDEX "ProxyNonce_seenAt_idx" ON "ProxyNonce"("seenAt");

