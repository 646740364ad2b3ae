ALTER TABLE "rooms" ADD COLUMN "kind" text DEFAULT 'room' NOT NULL;--> statement-breakpoint
ALTER TABLE "rooms" ADD COLUMN "dm_key" text;--> statement-breakpoint
CREATE UNIQUE INDEX "rooms_dm_key_key" ON "rooms" USING btree ("dm_key");--> statement-breakpoint
UPDATE "rooms" AS r SET "name" = left(r."name", 68) || ' (' || left(r."id"::text, 8) || ')'
WHERE r."visibility" = 'public' AND EXISTS (
	SELECT 1 FROM "rooms" AS o
	WHERE o."visibility" = 'public' AND lower(o."name") = lower(r."name")
		AND (o."created_at", o."id") < (r."created_at", r."id")
);--> statement-breakpoint
CREATE UNIQUE INDEX "rooms_public_name_lower_key" ON "rooms" USING btree (lower("name")) WHERE "rooms"."visibility" = 'public';--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "thread_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "also_to_room" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "reply_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "last_reply_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "thread_participant_ids" uuid[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_thread_id_messages_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "messages_thread_seq_idx" ON "messages" USING btree ("thread_id","seq") WHERE "messages"."thread_id" is not null;--> statement-breakpoint
CREATE TABLE "thread_reads" (
	"user_id" uuid NOT NULL,
	"message_id" uuid NOT NULL,
	"last_read_seq" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "thread_reads_user_id_message_id_pk" PRIMARY KEY("user_id","message_id")
);--> statement-breakpoint
ALTER TABLE "thread_reads" ADD CONSTRAINT "thread_reads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_reads" ADD CONSTRAINT "thread_reads_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "thread_reads_message_idx" ON "thread_reads" USING btree ("message_id");--> statement-breakpoint
ALTER TABLE "room_events" ADD COLUMN "actor_id" uuid;--> statement-breakpoint
ALTER TABLE "room_events" ADD COLUMN "role" text;--> statement-breakpoint
ALTER TABLE "room_events" ADD CONSTRAINT "room_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
