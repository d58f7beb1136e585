-- Organizations whose Brevo company is due: the incremental run and webhooks mark them, and the
-- sync.companies job writes them at Brevo's pace (100 company calls an hour) instead of inline.
ALTER TABLE "record_links" ADD COLUMN "company_pending_since" TIMESTAMPTZ(3);

-- Partial: only the due organizations are in it, so finding them costs nothing when few are due.
CREATE INDEX "record_links_company_pending_idx" ON "record_links"("company_id") WHERE "company_pending_since" IS NOT NULL;

-- Organizations stored before this column existed and never written as a company (a backfill's
-- companies pass still under way) are due; the others were written inline when they changed.
-- Companies that switched organizations off write no company, so nothing of theirs is due.
UPDATE "record_links" SET "company_pending_since" = now()
 WHERE "object" = 'organization' AND "deleted_at" IS NULL AND ("brevo_company_id" IS NULL OR "last_hash" IS NULL)
   AND "company_id" NOT IN (SELECT "company_id" FROM "sync_settings" WHERE NOT "sync_organizations");
