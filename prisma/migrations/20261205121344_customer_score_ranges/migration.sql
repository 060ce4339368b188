-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_CustomerScore" (
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
    "nextOrderEarliest" DATETIME,
    "nextOrderLatest" DATETIME,
    "clv12mLow" REAL,
    "clv12mHigh" REAL,
    "valueAtRisk" REAL NOT NULL DEFAULT 0,
    "reasonsJson" TEXT NOT NULL DEFAULT '[]',
    "recommendedJson" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "customerId")
);
INSERT INTO "new_CustomerScore" ("aov", "asOf", "churnProbability", "clusterKey", "clv12m", "customerId", "expectedOrders", "f", "firstOrderAt", "lastOrderAt", "m", "monetary", "nextOrderDate", "orders", "pAlive", "r", "reasonsJson", "recencyDays", "recommendedJson", "rfmSegment", "riskBand", "shop", "shopifyRfmGroup", "typicalGapDays", "updatedAt") SELECT "aov", "asOf", "churnProbability", "clusterKey", "clv12m", "customerId", "expectedOrders", "f", "firstOrderAt", "lastOrderAt", "m", "monetary", "nextOrderDate", "orders", "pAlive", "r", "reasonsJson", "recencyDays", "recommendedJson", "rfmSegment", "riskBand", "shop", "shopifyRfmGroup", "typicalGapDays", "updatedAt" FROM "CustomerScore";
DROP TABLE "CustomerScore";
ALTER TABLE "new_CustomerScore" RENAME TO "CustomerScore";
CREATE INDEX "CustomerScore_shop_rfmSegment_idx" ON "CustomerScore"("shop", "rfmSegment");
CREATE INDEX "CustomerScore_shop_riskBand_idx" ON "CustomerScore"("shop", "riskBand");
CREATE INDEX "CustomerScore_shop_clusterKey_idx" ON "CustomerScore"("shop", "clusterKey");
CREATE INDEX "CustomerScore_shop_clv12m_idx" ON "CustomerScore"("shop", "clv12m");
CREATE INDEX "CustomerScore_shop_churnProbability_idx" ON "CustomerScore"("shop", "churnProbability");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

