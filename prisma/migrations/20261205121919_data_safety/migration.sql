-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "previousTagPrefix" TEXT;
ALTER TABLE "Shop" ADD COLUMN "tagPrefixChangedAt" DATETIME;

-- AlterTable
ALTER TABLE "TagChange" ADD COLUMN "analysisId" TEXT;
ALTER TABLE "TagChange" ADD COLUMN "prefix" TEXT;

-- CreateTable
CREATE TABLE "AppShopifySegment" (
    "shop" TEXT NOT NULL,
    "shopifySegmentId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shop", "shopifySegmentId")
);

-- CreateTable
CREATE TABLE "CustomerRedaction" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "orderIdsJson" TEXT NOT NULL DEFAULT '[]',
    "redactedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ShopRedaction" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "redactedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "FlowTriggerLog" (
    "shop" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "analysisId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'sending',
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME,

    PRIMARY KEY ("shop", "key")
);

-- CreateIndex
CREATE INDEX "CustomerRedaction_shop_idx" ON "CustomerRedaction"("shop");

-- CreateIndex
CREATE INDEX "FlowTriggerLog_shop_customerId_idx" ON "FlowTriggerLog"("shop", "customerId");

