-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" DATETIME,
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false
);

-- CreateTable
CREATE TABLE "Shop" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "currencyCode" TEXT NOT NULL DEFAULT 'USD',
    "churnHorizonDays" INTEGER,
    "clusterK" INTEGER,
    "tagPrefix" TEXT NOT NULL DEFAULT 'churnless',
    "autoTag" BOOLEAN NOT NULL DEFAULT false,
    "tagSegments" BOOLEAN NOT NULL DEFAULT true,
    "tagRisk" BOOLEAN NOT NULL DEFAULT true,
    "tagClusters" BOOLEAN NOT NULL DEFAULT true,
    "previewSeenAt" DATETIME,
    "refreshEveryHours" INTEGER NOT NULL DEFAULT 24,
    "recsEnabled" BOOLEAN NOT NULL DEFAULT true,
    "recsCount" INTEGER NOT NULL DEFAULT 8,
    "historyLimited" BOOLEAN NOT NULL DEFAULT false,
    "lastFullSyncAt" DATETIME,
    "lastDeltaSyncAt" DATETIME,
    "lastAnalysisAt" DATETIME,
    "lastPublishAt" DATETIME,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Order" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "customerId" TEXT,
    "createdAt" DATETIME NOT NULL,
    "processedAt" DATETIME NOT NULL,
    "cancelledAt" DATETIME,
    "test" BOOLEAN NOT NULL DEFAULT false,
    "financialStatus" TEXT,
    "totalAmount" REAL NOT NULL,
    "refundedAmount" REAL NOT NULL DEFAULT 0,
    "currencyCode" TEXT NOT NULL,
    "sourceUpdatedAt" DATETIME NOT NULL,
    "syncedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shop", "id")
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
    "unitPrice" REAL NOT NULL,

    PRIMARY KEY ("shop", "id"),
    CONSTRAINT "LineItem_shop_orderId_fkey" FOREIGN KEY ("shop", "orderId") REFERENCES "Order" ("shop", "id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Product" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "productType" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "inStock" BOOLEAN NOT NULL DEFAULT true,
    "price" REAL NOT NULL DEFAULT 0,
    "imageUrl" TEXT,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "id")
);

-- CreateTable
CREATE TABLE "CustomerScore" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "asOf" DATETIME NOT NULL,
    "orders" INTEGER NOT NULL,
    "firstOrderAt" DATETIME NOT NULL,
    "lastOrderAt" DATETIME NOT NULL,
    "recencyDays" REAL NOT NULL,
    "monetary" REAL NOT NULL,
    "aov" REAL NOT NULL,
    "r" INTEGER NOT NULL,
    "f" INTEGER NOT NULL,
    "m" INTEGER NOT NULL,
    "rfmSegment" TEXT NOT NULL,
    "shopifyRfmGroup" TEXT,
    "clusterKey" TEXT NOT NULL,
    "churnProbability" REAL NOT NULL,
    "riskBand" TEXT NOT NULL,
    "pAlive" REAL NOT NULL,
    "expectedOrders" REAL NOT NULL,
    "clv12m" REAL NOT NULL,
    "nextOrderDate" DATETIME,
    "typicalGapDays" REAL,
    "reasonsJson" TEXT NOT NULL DEFAULT '[]',
    "recommendedJson" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "customerId")
);

-- CreateTable
CREATE TABLE "Segment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "customName" TEXT,
    "size" INTEGER NOT NULL DEFAULT 0,
    "revenueShare" REAL NOT NULL DEFAULT 0,
    "avgChurn" REAL NOT NULL DEFAULT 0,
    "avgClv" REAL NOT NULL DEFAULT 0,
    "centroidJson" TEXT NOT NULL DEFAULT '{}',
    "description" TEXT NOT NULL DEFAULT '',
    "shopifySegmentId" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SyncRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "Analysis" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "asOf" DATETIME NOT NULL,
    "horizonDays" INTEGER NOT NULL,
    "model" TEXT NOT NULL,
    "paramsJson" TEXT NOT NULL DEFAULT '{}',
    "backtestJson" TEXT NOT NULL DEFAULT '{}',
    "metricsJson" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "TagChange" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" DATETIME
);

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "webhookId" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "RecEvent" (
    "shop" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("shop", "day", "productId", "kind")
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

