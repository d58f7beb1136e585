-- AlterTable
ALTER TABLE "record_links" ADD COLUMN "related_person_id" integer;

-- AlterTable
ALTER TABLE "record_links" ADD COLUMN "related_org_id" integer;

-- CreateIndex
CREATE INDEX "record_links_company_id_object_related_person_id_idx" ON "record_links"("company_id", "object", "related_person_id");

-- CreateIndex
CREATE INDEX "record_links_company_id_object_related_org_id_idx" ON "record_links"("company_id", "object", "related_org_id");
