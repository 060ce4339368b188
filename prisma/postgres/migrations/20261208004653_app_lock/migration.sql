-- CreateTable
CREATE TABLE "AppLock" (
    "key" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "expiresAt" BIGINT NOT NULL,

    CONSTRAINT "AppLock_pkey" PRIMARY KEY ("key")
);

