-- AlterTable
ALTER TABLE "RecAttribution" ADD COLUMN "placement" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_RecEvent" (
    "shop" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "placement" TEXT NOT NULL DEFAULT '',
    "count" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("shop", "day", "productId", "kind", "placement")
);
INSERT INTO "new_RecEvent" ("count", "day", "kind", "productId", "shop") SELECT "count", "day", "kind", "productId", "shop" FROM "RecEvent";
DROP TABLE "RecEvent";
ALTER TABLE "new_RecEvent" RENAME TO "RecEvent";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

