-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "previousTagPrefix" TEXT,
ADD COLUMN     "tagPrefixChangedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "TagChange" ADD COLUMN     "analysisId" TEXT,
ADD COLUMN     "prefix" TEXT;

-- CreateTable
CREATE TABLE "AppShopifySegment" (
    "shop" TEXT NOT NULL,
    "shopifySegmentId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AppShopifySegment_pkey" PRIMARY KEY ("shop","shopifySegmentId")
);

-- CreateTable
CREATE TABLE "CustomerRedaction" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "orderIdsJson" TEXT NOT NULL DEFAULT '[]',
    "redactedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CustomerRedaction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShopRedaction" (
    "shop" TEXT NOT NULL,
    "redactedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShopRedaction_pkey" PRIMARY KEY ("shop")
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "FlowTriggerLog_pkey" PRIMARY KEY ("shop","key")
);

-- CreateIndex
CREATE INDEX "CustomerRedaction_shop_idx" ON "CustomerRedaction"("shop");

-- CreateIndex
CREATE INDEX "FlowTriggerLog_shop_customerId_idx" ON "FlowTriggerLog"("shop", "customerId");

