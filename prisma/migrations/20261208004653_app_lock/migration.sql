-- CreateTable
CREATE TABLE "AppLock" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "owner" TEXT NOT NULL,
    "expiresAt" BIGINT NOT NULL
);

