-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN "mlsEpoch" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "Device" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "userId" INTEGER NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "signaturePublicKey" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Device_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MlsKeyPackage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "deviceId" INTEGER NOT NULL,
    "data" TEXT NOT NULL,
    "lastResort" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MlsKeyPackage_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MlsCommit" (
    "conversationId" INTEGER NOT NULL,
    "epoch" INTEGER NOT NULL,
    "deviceId" INTEGER,
    "data" TEXT NOT NULL,
    "afterMessageId" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("conversationId", "epoch"),
    CONSTRAINT "MlsCommit_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MlsWelcome" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "deviceId" INTEGER NOT NULL,
    "conversationId" INTEGER NOT NULL,
    "epoch" INTEGER NOT NULL,
    "data" TEXT NOT NULL,
    "afterMessageId" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MlsWelcome_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "MlsWelcome_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Device_userId_idx" ON "Device"("userId");

-- CreateIndex
CREATE INDEX "MlsKeyPackage_deviceId_lastResort_idx" ON "MlsKeyPackage"("deviceId", "lastResort");

-- CreateIndex
CREATE INDEX "MlsWelcome_deviceId_idx" ON "MlsWelcome"("deviceId");

-- CreateIndex
CREATE INDEX "MlsWelcome_conversationId_idx" ON "MlsWelcome"("conversationId");
