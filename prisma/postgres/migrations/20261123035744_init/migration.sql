-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "shop" TEXT NOT NULL,
    "currencyCode" TEXT NOT NULL DEFAULT 'USD',
    "churnHorizonDays" INTEGER,
    "clusterK" INTEGER,
    "tagPrefix" TEXT NOT NULL DEFAULT 'churnless',
    "autoTag" BOOLEAN NOT NULL DEFAULT false,
    "tagSegments" BOOLEAN NOT NULL DEFAULT true,
    "tagRisk" BOOLEAN NOT NULL DEFAULT true,
    "tagClusters" BOOLEAN NOT NULL DEFAULT true,
    "previewSeenAt" TIMESTAMP(3),
    "refreshEveryHours" INTEGER NOT NULL DEFAULT 24,
    "recsEnabled" BOOLEAN NOT NULL DEFAULT true,
    "recsCount" INTEGER NOT NULL DEFAULT 8,
    "historyLimited" BOOLEAN NOT NULL DEFAULT false,
    "lastFullSyncAt" TIMESTAMP(3),
    "lastDeltaSyncAt" TIMESTAMP(3),
    "lastAnalysisAt" TIMESTAMP(3),
    "lastPublishAt" TIMESTAMP(3),
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "Order" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "customerId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "processedAt" TIMESTAMP(3) NOT NULL,
    "cancelledAt" TIMESTAMP(3),
    "test" BOOLEAN NOT NULL DEFAULT false,
    "financialStatus" TEXT,
    "totalAmount" DOUBLE PRECISION NOT NULL,
    "refundedAmount" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "currencyCode" TEXT NOT NULL,
    "sourceUpdatedAt" TIMESTAMP(3) NOT NULL,
    "syncedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "LineItem" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "productId" TEXT,
    "variantId" TEXT,
    "quantity" INTEGER NOT NULL,
    "currentQuantity" INTEGER NOT NULL,
    "unitPrice" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "LineItem_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "Product" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "productType" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "inStock" BOOLEAN NOT NULL DEFAULT true,
    "price" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "imageUrl" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Product_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "CustomerScore" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "asOf" TIMESTAMP(3) NOT NULL,
    "orders" INTEGER NOT NULL,
    "firstOrderAt" TIMESTAMP(3) NOT NULL,
    "lastOrderAt" TIMESTAMP(3) NOT NULL,
    "recencyDays" DOUBLE PRECISION NOT NULL,
    "monetary" DOUBLE PRECISION NOT NULL,
    "aov" DOUBLE PRECISION NOT NULL,
    "r" INTEGER NOT NULL,
    "f" INTEGER NOT NULL,
    "m" INTEGER NOT NULL,
    "rfmSegment" TEXT NOT NULL,
    "shopifyRfmGroup" TEXT,
    "clusterKey" TEXT NOT NULL,
    "churnProbability" DOUBLE PRECISION NOT NULL,
    "riskBand" TEXT NOT NULL,
    "pAlive" DOUBLE PRECISION NOT NULL,
    "expectedOrders" DOUBLE PRECISION NOT NULL,
    "clv12m" DOUBLE PRECISION NOT NULL,
    "nextOrderDate" TIMESTAMP(3),
    "typicalGapDays" DOUBLE PRECISION,
    "reasonsJson" TEXT NOT NULL DEFAULT '[]',
    "recommendedJson" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerScore_pkey" PRIMARY KEY ("shop","customerId")
);

-- CreateTable
CREATE TABLE "Segment" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "customName" TEXT,
    "size" INTEGER NOT NULL DEFAULT 0,
    "revenueShare" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "avgChurn" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "avgClv" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "centroidJson" TEXT NOT NULL DEFAULT '{}',
    "description" TEXT NOT NULL DEFAULT '',
    "shopifySegmentId" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Segment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncRun" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "bulkOperationId" TEXT,
    "ordersCount" INTEGER NOT NULL DEFAULT 0,
    "lineItemsCount" INTEGER NOT NULL DEFAULT 0,
    "customersCount" INTEGER NOT NULL DEFAULT 0,
    "skippedLines" INTEGER NOT NULL DEFAULT 0,
    "expectedCount" INTEGER,
    "error" TEXT,
    "detailsJson" TEXT NOT NULL DEFAULT '{}',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "SyncRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Analysis" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "asOf" TIMESTAMP(3) NOT NULL,
    "horizonDays" INTEGER NOT NULL,
    "model" TEXT NOT NULL,
    "paramsJson" TEXT NOT NULL DEFAULT '{}',
    "backtestJson" TEXT NOT NULL DEFAULT '{}',
    "metricsJson" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Analysis_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TagChange" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "TagChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "webhookId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookEvent_pkey" PRIMARY KEY ("webhookId")
);

-- CreateTable
CREATE TABLE "RecEvent" (
    "shop" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RecEvent_pkey" PRIMARY KEY ("shop","day","productId","kind")
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE INDEX "Order_shop_customerId_idx" ON "Order"("shop", "customerId");

-- CreateIndex
CREATE INDEX "Order_shop_processedAt_idx" ON "Order"("shop", "processedAt");

-- CreateIndex
CREATE INDEX "LineItem_shop_orderId_idx" ON "LineItem"("shop", "orderId");

-- CreateIndex
CREATE INDEX "LineItem_shop_productId_idx" ON "LineItem"("shop", "productId");

-- CreateIndex
CREATE INDEX "Product_shop_productType_idx" ON "Product"("shop", "productType");

-- CreateIndex
CREATE INDEX "CustomerScore_shop_rfmSegment_idx" ON "CustomerScore"("shop", "rfmSegment");

-- CreateIndex
CREATE INDEX "CustomerScore_shop_riskBand_idx" ON "CustomerScore"("shop", "riskBand");

-- CreateIndex
CREATE INDEX "CustomerScore_shop_clusterKey_idx" ON "CustomerScore"("shop", "clusterKey");

-- CreateIndex
CREATE INDEX "CustomerScore_shop_clv12m_idx" ON "CustomerScore"("shop", "clv12m");

-- CreateIndex
CREATE INDEX "CustomerScore_shop_churnProbability_idx" ON "CustomerScore"("shop", "churnProbability");

-- CreateIndex
CREATE UNIQUE INDEX "Segment_shop_kind_key_key" ON "Segment"("shop", "kind", "key");

-- CreateIndex
CREATE INDEX "SyncRun_shop_kind_startedAt_idx" ON "SyncRun"("shop", "kind", "startedAt");

-- CreateIndex
CREATE INDEX "Analysis_shop_createdAt_idx" ON "Analysis"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "TagChange_shop_runId_status_idx" ON "TagChange"("shop", "runId", "status");

-- CreateIndex
CREATE INDEX "TagChange_shop_customerId_idx" ON "TagChange"("shop", "customerId");

-- CreateIndex
CREATE INDEX "WebhookEvent_shop_idx" ON "WebhookEvent"("shop");

-- AddForeignKey
ALTER TABLE "LineItem" ADD CONSTRAINT "LineItem_shop_orderId_fkey" FOREIGN KEY ("shop", "orderId") REFERENCES "Order"("shop", "id") ON DELETE CASCADE ON UPDATE CASCADE;

