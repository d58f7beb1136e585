-- CreateEnum
CREATE TYPE "AuthMode" AS ENUM ('oauth', 'api_token');

-- CreateEnum
CREATE TYPE "CompanyStatus" AS ENUM ('active', 'paused');

-- CreateEnum
CREATE TYPE "InstallationStatus" AS ENUM ('active', 'needs_reconnect', 'revoked');

-- CreateEnum
CREATE TYPE "BrevoConnectionStatus" AS ENUM ('active', 'invalid');

-- CreateEnum
CREATE TYPE "SyncObject" AS ENUM ('person', 'organization', 'deal', 'activity', 'lead');

-- CreateEnum
CREATE TYPE "MappingDirection" AS ENUM ('to_brevo', 'to_pipedrive', 'both');

-- CreateEnum
CREATE TYPE "StageRuleKind" AS ENUM ('stage', 'won', 'lost');

-- CreateEnum
CREATE TYPE "SyncRunKind" AS ENUM ('backfill', 'incremental', 'reconcile', 'resync');

-- CreateEnum
CREATE TYPE "SyncRunStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'paused');

-- CreateEnum
CREATE TYPE "RecordIssueSeverity" AS ENUM ('error', 'warning', 'skipped');

-- CreateEnum
CREATE TYPE "RecordIssueStatus" AS ENUM ('open', 'retrying', 'resolved', 'dead');

-- CreateEnum
CREATE TYPE "WebhookSource" AS ENUM ('pipedrive', 'brevo');

-- CreateEnum
CREATE TYPE "WebhookEventStatus" AS ENUM ('received', 'processed', 'ignored', 'failed');

-- CreateEnum
CREATE TYPE "OutboundEventStatus" AS ENUM ('pending', 'sent', 'failed');

-- CreateTable
CREATE TABLE "companies" (
    "id" uuid NOT NULL,
    "pipedrive_company_id" integer NOT NULL,
    "name" text NOT NULL,
    "company_domain" text NOT NULL,
    "api_domain" text NOT NULL,
    "status" "CompanyStatus" NOT NULL DEFAULT 'active',
    "paused_reason" text,
    "paused_until" timestamp(3) with time zone,
    "webhook_username" text,
    "webhook_password_enc" text,
    "created_at" timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamp(3) with time zone NOT NULL,
    CONSTRAINT "companies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "installations" (
    "id" uuid NOT NULL,
    "company_id" uuid NOT NULL,
    "pipedrive_user_id" integer NOT NULL,
    "user_name" text NOT NULL,
    "user_email" text,
    "is_admin" boolean NOT NULL DEFAULT false,
    "auth_mode" "AuthMode" NOT NULL,
    "access_token_enc" text,
    "refresh_token_enc" text,
    "api_token_enc" text,
    "api_domain" text NOT NULL,
    "scopes" text[] NOT NULL DEFAULT ARRAY[]::text[],
    "access_expires_at" timestamp(3) with time zone,
    "refreshed_at" timestamp(3) with time zone,
    "status" "InstallationStatus" NOT NULL DEFAULT 'active',
    "last_error" text,
    "created_at" timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamp(3) with time zone NOT NULL,
    CONSTRAINT "installations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "brevo_connections" (
    "id" uuid NOT NULL,
    "company_id" uuid NOT NULL,
    "api_key_enc" text NOT NULL,
    "key_hint" text NOT NULL,
    "account_email" text,
    "account_name" text,
    "status" "BrevoConnectionStatus" NOT NULL DEFAULT 'active',
    "last_error" text,
    "webhook_token_enc" text,
    "brevo_webhook_ids" integer[] NOT NULL DEFAULT ARRAY[]::integer[],
    "validated_at" timestamp(3) with time zone,
    "created_at" timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamp(3) with time zone NOT NULL,
    CONSTRAINT "brevo_connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_settings" (
    "id" uuid NOT NULL,
    "company_id" uuid NOT NULL,
    "sync_persons" boolean NOT NULL DEFAULT true,
    "sync_deals" boolean NOT NULL DEFAULT true,
    "sync_organizations" boolean NOT NULL DEFAULT true,
    "sync_activities" boolean NOT NULL DEFAULT true,
    "sync_leads" boolean NOT NULL DEFAULT true,
    "all_contacts_list_id" integer,
    "qualified_leads_list_id" integer,
    "customers_list_id" integer,
    "churned_list_id" integer,
    "nurture_list_id" integer,
    "default_phone_country" character varying(2) NOT NULL DEFAULT 'US',
    "delete_contact_on_person_delete" boolean NOT NULL DEFAULT false,
    "replay_history_days" integer NOT NULL DEFAULT 0,
    "events_since" timestamp(3) with time zone,
    "created_at" timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamp(3) with time zone NOT NULL,
    CONSTRAINT "sync_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "field_mappings" (
    "id" uuid NOT NULL,
    "company_id" uuid NOT NULL,
    "object" "SyncObject" NOT NULL,
    "pipedrive_field_key" text NOT NULL,
    "brevo_attribute" text NOT NULL,
    "direction" "MappingDirection" NOT NULL DEFAULT 'to_brevo',
    "transform" text,
    "position" integer NOT NULL DEFAULT 0,
    "created_at" timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamp(3) with time zone NOT NULL,
    CONSTRAINT "field_mappings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stage_list_rules" (
    "id" uuid NOT NULL,
    "company_id" uuid NOT NULL,
    "kind" "StageRuleKind" NOT NULL,
    "pipeline_id" integer,
    "stage_id" integer,
    "brevo_list_id" integer NOT NULL,
    "match_key" text NOT NULL,
    "created_at" timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamp(3) with time zone NOT NULL,
    CONSTRAINT "stage_list_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_rules" (
    "id" uuid NOT NULL,
    "company_id" uuid NOT NULL,
    "event_action" text NOT NULL,
    "event_object" text NOT NULL,
    "brevo_event_name" text NOT NULL,
    "enabled" boolean NOT NULL DEFAULT true,
    "created_at" timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamp(3) with time zone NOT NULL,
    CONSTRAINT "event_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "record_links" (
    "id" BIGSERIAL NOT NULL,
    "company_id" uuid NOT NULL,
    "object" "SyncObject" NOT NULL,
    "pipedrive_id" text NOT NULL,
    "brevo_contact_id" bigint,
    "brevo_company_id" text,
    "email" text,
    "last_hash" text,
    "list_ids" integer[] NOT NULL DEFAULT ARRAY[]::integer[],
    "source_updated_at" timestamp(3) with time zone,
    "last_synced_at" timestamp(3) with time zone,
    "state" jsonb,
    "deleted_at" timestamp(3) with time zone,
    "created_at" timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamp(3) with time zone NOT NULL,
    CONSTRAINT "record_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_cursors" (
    "id" uuid NOT NULL,
    "company_id" uuid NOT NULL,
    "object" "SyncObject" NOT NULL,
    "updated_since" timestamp(3) with time zone,
    "ids_at_cursor" text[] NOT NULL DEFAULT ARRAY[]::text[],
    "created_at" timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamp(3) with time zone NOT NULL,
    CONSTRAINT "sync_cursors_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_runs" (
    "id" uuid NOT NULL,
    "company_id" uuid NOT NULL,
    "kind" "SyncRunKind" NOT NULL,
    "status" "SyncRunStatus" NOT NULL DEFAULT 'queued',
    "trigger" text NOT NULL DEFAULT 'manual',
    "checkpoint" jsonb,
    "progress" jsonb NOT NULL DEFAULT '{}',
    "records_total" integer NOT NULL DEFAULT 0,
    "records_done" integer NOT NULL DEFAULT 0,
    "records_failed" integer NOT NULL DEFAULT 0,
    "records_skipped" integer NOT NULL DEFAULT 0,
    "error" text,
    "started_at" timestamp(3) with time zone,
    "finished_at" timestamp(3) with time zone,
    "heartbeat_at" timestamp(3) with time zone,
    "created_at" timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamp(3) with time zone NOT NULL,
    CONSTRAINT "sync_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "record_issues" (
    "id" BIGSERIAL NOT NULL,
    "company_id" uuid NOT NULL,
    "sync_run_id" uuid,
    "object" "SyncObject" NOT NULL,
    "pipedrive_id" text NOT NULL,
    "severity" "RecordIssueSeverity" NOT NULL,
    "code" text NOT NULL,
    "reason" text NOT NULL,
    "status" "RecordIssueStatus" NOT NULL DEFAULT 'open',
    "attempts" integer NOT NULL DEFAULT 0,
    "next_retry_at" timestamp(3) with time zone,
    "payload" jsonb,
    "created_at" timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamp(3) with time zone NOT NULL,
    CONSTRAINT "record_issues_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_events" (
    "id" BIGSERIAL NOT NULL,
    "company_id" uuid NOT NULL,
    "source" "WebhookSource" NOT NULL,
    "event_id" text NOT NULL,
    "object" text NOT NULL,
    "action" text NOT NULL,
    "entity_id" text,
    "payload" jsonb NOT NULL,
    "occurred_at" timestamp(3) with time zone,
    "received_at" timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "WebhookEventStatus" NOT NULL DEFAULT 'received',
    "processed_at" timestamp(3) with time zone,
    "error" text,
    "attempts" integer NOT NULL DEFAULT 0,
    "created_at" timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamp(3) with time zone NOT NULL,
    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_rejections" (
    "id" BIGSERIAL NOT NULL,
    "company_id" uuid,
    "path" text NOT NULL,
    "status_code" integer NOT NULL,
    "reason" text NOT NULL,
    "body_excerpt" text,
    "created_at" timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "webhook_rejections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_registrations" (
    "id" uuid NOT NULL,
    "company_id" uuid NOT NULL,
    "pipedrive_webhook_id" integer NOT NULL,
    "event_action" text NOT NULL,
    "event_object" text NOT NULL,
    "subscription_url" text NOT NULL,
    "last_delivery_at" timestamp(3) with time zone,
    "created_at" timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamp(3) with time zone NOT NULL,
    CONSTRAINT "webhook_registrations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbound_events" (
    "id" BIGSERIAL NOT NULL,
    "company_id" uuid NOT NULL,
    "idempotency_key" text NOT NULL,
    "event_name" text NOT NULL,
    "object" "SyncObject" NOT NULL,
    "pipedrive_id" text NOT NULL,
    "email" text,
    "properties" jsonb NOT NULL,
    "status" "OutboundEventStatus" NOT NULL DEFAULT 'pending',
    "attempts" integer NOT NULL DEFAULT 0,
    "error" text,
    "occurred_at" timestamp(3) with time zone NOT NULL,
    "sent_at" timestamp(3) with time zone,
    "created_at" timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamp(3) with time zone NOT NULL,
    CONSTRAINT "outbound_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rate_buckets" (
    "key" text NOT NULL,
    "company_id" uuid,
    "tokens" double precision NOT NULL,
    "updated_at" timestamp(3) with time zone NOT NULL,
    "blocked_until" timestamp(3) with time zone,
    "created_at" timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "rate_buckets_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "companies_pipedrive_company_id_key" ON "companies"("pipedrive_company_id");

-- CreateIndex
CREATE INDEX "installations_status_access_expires_at_idx" ON "installations"("status", "access_expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "installations_company_id_pipedrive_user_id_key" ON "installations"("company_id", "pipedrive_user_id");

-- CreateIndex
CREATE UNIQUE INDEX "brevo_connections_company_id_key" ON "brevo_connections"("company_id");

-- CreateIndex
CREATE UNIQUE INDEX "sync_settings_company_id_key" ON "sync_settings"("company_id");

-- CreateIndex
CREATE UNIQUE INDEX "field_mappings_company_id_object_brevo_attribute_key" ON "field_mappings"("company_id", "object", "brevo_attribute");

-- CreateIndex
CREATE UNIQUE INDEX "stage_list_rules_company_id_match_key_key" ON "stage_list_rules"("company_id", "match_key");

-- CreateIndex
CREATE UNIQUE INDEX "event_rules_company_event_key" ON "event_rules"("company_id", "event_action", "event_object", "brevo_event_name");

-- CreateIndex
CREATE INDEX "record_links_company_id_email_idx" ON "record_links"("company_id", "email");

-- CreateIndex
CREATE INDEX "record_links_company_id_brevo_contact_id_idx" ON "record_links"("company_id", "brevo_contact_id");

-- CreateIndex
CREATE UNIQUE INDEX "record_links_company_id_object_pipedrive_id_key" ON "record_links"("company_id", "object", "pipedrive_id");

-- CreateIndex
CREATE UNIQUE INDEX "sync_cursors_company_id_object_key" ON "sync_cursors"("company_id", "object");

-- CreateIndex
CREATE INDEX "sync_runs_company_id_created_at_idx" ON "sync_runs"("company_id", "created_at");

-- CreateIndex
CREATE INDEX "record_issues_company_id_status_next_retry_at_idx" ON "record_issues"("company_id", "status", "next_retry_at");

-- CreateIndex
CREATE UNIQUE INDEX "record_issues_company_id_object_pipedrive_id_code_key" ON "record_issues"("company_id", "object", "pipedrive_id", "code");

-- CreateIndex
CREATE INDEX "webhook_events_company_id_object_entity_id_idx" ON "webhook_events"("company_id", "object", "entity_id");

-- CreateIndex
CREATE INDEX "webhook_events_company_id_received_at_idx" ON "webhook_events"("company_id", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_events_company_id_source_event_id_key" ON "webhook_events"("company_id", "source", "event_id");

-- CreateIndex
CREATE INDEX "webhook_rejections_company_id_created_at_idx" ON "webhook_rejections"("company_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_registrations_company_id_pipedrive_webhook_id_key" ON "webhook_registrations"("company_id", "pipedrive_webhook_id");

-- CreateIndex
CREATE INDEX "outbound_events_company_id_object_pipedrive_id_idx" ON "outbound_events"("company_id", "object", "pipedrive_id");

-- CreateIndex
CREATE UNIQUE INDEX "outbound_events_company_id_idempotency_key_key" ON "outbound_events"("company_id", "idempotency_key");

-- AddForeignKey
ALTER TABLE "installations" ADD CONSTRAINT "installations_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "companies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "brevo_connections" ADD CONSTRAINT "brevo_connections_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "companies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_settings" ADD CONSTRAINT "sync_settings_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "companies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "field_mappings" ADD CONSTRAINT "field_mappings_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "companies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stage_list_rules" ADD CONSTRAINT "stage_list_rules_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "companies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_rules" ADD CONSTRAINT "event_rules_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "companies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "record_links" ADD CONSTRAINT "record_links_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "companies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_cursors" ADD CONSTRAINT "sync_cursors_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "companies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "companies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "record_issues" ADD CONSTRAINT "record_issues_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "companies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "record_issues" ADD CONSTRAINT "record_issues_sync_run_id_fkey" FOREIGN KEY ("sync_run_id") REFERENCES "sync_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "companies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_rejections" ADD CONSTRAINT "webhook_rejections_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "companies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_registrations" ADD CONSTRAINT "webhook_registrations_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "companies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbound_events" ADD CONSTRAINT "outbound_events_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "companies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rate_buckets" ADD CONSTRAINT "rate_buckets_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "companies"("id") ON DELETE CASCADE ON UPDATE CASCADE;
