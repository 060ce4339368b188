-- AlterTable
ALTER TABLE "RecEvent" DROP CONSTRAINT "RecEvent_pkey",
ADD COLUMN     "placement" TEXT NOT NULL DEFAULT '',
ADD CONSTRAINT "RecEvent_pkey" PRIMARY KEY ("shop", "day", "productId", "kind", "placement");

-- AlterTable
ALTER TABLE "RecAttribution" ADD COLUMN     "placement" TEXT;

