-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "ianaTimezone" TEXT;

-- CreateTable
CREATE TABLE "AnalysisSnapshot" (
    "analysisId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "asOf" TIMESTAMP(3) NOT NULL,
    "horizonDays" INTEGER NOT NULL,
    "customers" INTEGER NOT NULL,
    "predictedChurn" DOUBLE PRECISION,
    "observedChurn" DOUBLE PRECISION,
    "valueAtRisk" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "segmentsJson" TEXT NOT NULL DEFAULT '{}',
    "movesJson" TEXT NOT NULL DEFAULT '[]',
    "previousAnalysisId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AnalysisSnapshot_pkey" PRIMARY KEY ("analysisId")
);

-- CreateTable
CREATE TABLE "ControlGroup" (
    "shop" TEXT NOT NULL,
    "segmentKind" TEXT NOT NULL,
    "segmentKey" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "share" DOUBLE PRECISION NOT NULL DEFAULT 0.1,
    "seed" INTEGER NOT NULL,
    "enabledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ControlGroup_pkey" PRIMARY KEY ("shop","segmentKind","segmentKey")
);

-- CreateTable
CREATE TABLE "HoldoutAssignment" (
    "shop" TEXT NOT NULL,
    "segmentKind" TEXT NOT NULL,
    "segmentKey" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "heldOut" BOOLEAN NOT NULL,
    "assignedAt" TIMESTAMP(3) NOT NULL,
    "leftAt" TIMESTAMP(3),

    CONSTRAINT "HoldoutAssignment_pkey" PRIMARY KEY ("shop","segmentKind","segmentKey","customerId")
);

-- CreateTable
CREATE TABLE "CustomerOptOut" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "optedOutAt" TIMESTAMP(3) NOT NULL,
    "source" TEXT NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerOptOut_pkey" PRIMARY KEY ("shop","customerId")
);

-- CreateTable
CREATE TABLE "ProductCycle" (
    "shop" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "medianDays" DOUBLE PRECISION NOT NULL,
    "lowDays" DOUBLE PRECISION NOT NULL,
    "highDays" DOUBLE PRECISION NOT NULL,
    "repeatBuyers" INTEGER NOT NULL,
    "intervals" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProductCycle_pkey" PRIMARY KEY ("shop","productId")
);

-- CreateTable
CREATE TABLE "ReorderDue" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "lastBoughtAt" TIMESTAMP(3) NOT NULL,
    "dueFrom" TIMESTAMP(3) NOT NULL,
    "dueTo" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReorderDue_pkey" PRIMARY KEY ("shop","customerId","productId")
);

-- CreateIndex
CREATE INDEX "AnalysisSnapshot_shop_asOf_idx" ON "AnalysisSnapshot"("shop", "asOf");

-- CreateIndex
CREATE INDEX "HoldoutAssignment_shop_customerId_idx" ON "HoldoutAssignment"("shop", "customerId");

-- CreateIndex
CREATE INDEX "ReorderDue_shop_dueFrom_idx" ON "ReorderDue"("shop", "dueFrom");

