-- AlterTable
ALTER TABLE "ControlGroup" ADD COLUMN "incentiveCost" REAL;

