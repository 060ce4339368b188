-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "ianaTimezone" TEXT;

-- CreateTable
CREATE TABLE "AnalysisSnapshot" (
    "analysisId" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "asOf" DATETIME NOT NULL,
    "horizonDays" INTEGER NOT NULL,
    "customers" INTEGER NOT NULL,
    "predictedChurn" REAL,
    "observedChurn" REAL,
    "valueAtRisk" REAL NOT NULL DEFAULT 0,
    "segmentsJson" TEXT NOT NULL DEFAULT '{}',
    "movesJson" TEXT NOT NULL DEFAULT '[]',
    "previousAnalysisId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ControlGroup" (
    "shop" TEXT NOT NULL,
    "segmentKind" TEXT NOT NULL,
    "segmentKey" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "share" REAL NOT NULL DEFAULT 0.1,
    "seed" INTEGER NOT NULL,
    "enabledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "segmentKind", "segmentKey")
);

-- CreateTable
CREATE TABLE "HoldoutAssignment" (
    "shop" TEXT NOT NULL,
    "segmentKind" TEXT NOT NULL,
    "segmentKey" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "heldOut" BOOLEAN NOT NULL,
    "assignedAt" DATETIME NOT NULL,
    "leftAt" DATETIME,

    PRIMARY KEY ("shop", "segmentKind", "segmentKey", "customerId")
);

-- CreateTable
CREATE TABLE "CustomerOptOut" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "optedOutAt" DATETIME NOT NULL,
    "source" TEXT NOT NULL,
    "revokedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "customerId")
);

-- CreateTable
CREATE TABLE "ProductCycle" (
    "shop" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "medianDays" REAL NOT NULL,
    "lowDays" REAL NOT NULL,
    "highDays" REAL NOT NULL,
    "repeatBuyers" INTEGER NOT NULL,
    "intervals" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "productId")
);

-- CreateTable
CREATE TABLE "ReorderDue" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "lastBoughtAt" DATETIME NOT NULL,
    "dueFrom" DATETIME NOT NULL,
    "dueTo" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "customerId", "productId")
);

-- CreateIndex
CREATE INDEX "AnalysisSnapshot_shop_asOf_idx" ON "AnalysisSnapshot"("shop", "asOf");

-- CreateIndex
CREATE INDEX "HoldoutAssignment_shop_customerId_idx" ON "HoldoutAssignment"("shop", "customerId");

-- CreateIndex
CREATE INDEX "ReorderDue_shop_dueFrom_idx" ON "ReorderDue"("shop", "dueFrom");

