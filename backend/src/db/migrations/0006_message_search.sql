-- Full-text search of messages (issue 13, docs/search.md). A deleted message's body is already erased, so
-- neither index keeps its words. pg_trgm is optional: without it (a managed PostgreSQL without contrib, a
-- PGlite opened without the extension) substring matching still works, without its index.
DO $$
BEGIN
	CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
	RAISE NOTICE 'pg_trgm is not available (%): substring search runs without a trigram index', SQLERRM;
END
$$;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, "body")) STORED;--> statement-breakpoint
CREATE INDEX "messages_search_vector_idx" ON "messages" USING gin ("search_vector");--> statement-breakpoint
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
		EXECUTE 'CREATE INDEX "messages_body_trgm_idx" ON "messages" USING gin ("body" gin_trgm_ops)';
	END IF;
END
$$;
