-- CreateTable
CREATE TABLE "FlowTriggerUsage" (
    "shop" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "inUse" BOOLEAN NOT NULL,
    "notifiedAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "trigger")
);

