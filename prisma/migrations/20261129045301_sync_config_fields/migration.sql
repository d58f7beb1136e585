-- AlterTable
ALTER TABLE "sync_settings" ADD COLUMN "sync_enabled" boolean NOT NULL DEFAULT true;

ALTER TABLE "sync_settings" ALTER COLUMN "default_phone_country" DROP NOT NULL;

ALTER TABLE "sync_settings" ALTER COLUMN "default_phone_country" DROP DEFAULT;

-- AlterTable
ALTER TABLE "sync_settings" ADD COLUMN "default_currency" character varying(3) NOT NULL DEFAULT 'EUR';

-- AlterTable
ALTER TABLE "event_rules" ADD COLUMN "merge_only" boolean NOT NULL DEFAULT false;
