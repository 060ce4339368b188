-- AlterTable
ALTER TABLE "ControlGroup" ADD COLUMN     "incentiveCost" DOUBLE PRECISION;

