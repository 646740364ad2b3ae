import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { AuthResponse, SearchPage } from '@messaging-app/shared';
import { postJson } from '../test/support/http.js';
import { startServer } from './server.js';
import { ms, quantile } from './stats.js';
import { generateMessages, vocabulary } from './search-data.js';

export interface SearchBenchOptions {
  postgres: string;
  redis: string;
}

async function timeQueries(
  base: string,
  token: string,
  queries: string[],
): Promise<{ latencies: Float64Array; results: number }> {
  const latencies = new Float64Array(queries.length);
  let results = 0;
  for (const [i, q] of queries.entries()) {
    const started = performance.now();
    const response = await fetch(`${base}/api/search?${new URLSearchParams({ q })}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`search ${q} answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as SearchPage;
    latencies[i] = performance.now() - started;
    results += page.results.length;
  }
  return { latencies: latencies.sort(), results };
}

/** How many messages of the searcher's rooms contain each query: what a search has to rank. */
async function matchCounts(db: pg.Client, searcherId: string, queries: string[]): Promise<Float64Array> {
  const counts = new Float64Array(queries.length);
  for (const [i, q] of queries.entries()) {
    const { rows } = await db.query<{ n: string }>(
      `select count(*) as n from messages
       where room_id = any(array(select room_id from room_participants where user_id = $1)) and body ilike $2`,
      [searcherId, `%${q}%`],
    );
    counts[i] = Number(rows[0]?.n ?? 0);
  }
  return counts.sort();
}

/**
 * The search benchmark: 1,000,000 messages in 500 rooms on PostgreSQL, written by INSERT … SELECT
 * generate_series into the server's own database; a user who is a member of 50 of the rooms (100,000
 * messages) times `GET /api/search` one request at a time, for words and for 3-character substrings.
 */
export async function searchBench(
  options: SearchBenchOptions,
  print: (line?: string) => void,
  quick: boolean,
): Promise<void> {
  const shape = quick
    ? { messages: 100_000, rooms: 50, memberOf: 5, queries: 50 }
    : { messages: 1_000_000, rooms: 500, memberOf: 50, queries: 200 };
  const words = vocabulary(5000);
  print(
    `search: ${shape.messages} messages in ${shape.rooms} rooms on PostgreSQL; the searcher is in ${shape.memberOf}`,
  );
  const server = await startServer({ postgres: options.postgres, redis: options.redis });
  try {
    if (!server.databaseUrl) throw new Error('the search bench needs PostgreSQL');
    const searcher = await postJson<AuthResponse>(server.url, '/api/auth/register', {
      username: `searcher_${Date.now().toString(36)}`,
      email: `searcher_${Date.now().toString(36)}@bench.test`,
      password: 'bench password 123',
    });
    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    try {
      const began = performance.now();
      await generateMessages(db, searcher.user.id, shape);
      print(`  generated and indexed in ${((performance.now() - began) / 1000).toFixed(1)} s`);

      // A fixed sample of the vocabulary: whole words, and 3 characters from the start or inside of a word.
      const sample = (n: number, offset: number) =>
        Array.from({ length: n }, (_, i) => words[(i * 97 + offset) % words.length] as string);
      const wordQueries = sample(shape.queries, 0);
      const partQueries = sample(shape.queries, 13).map((w, i) => w.slice(i % 2, (i % 2) + 3));
      await timeQueries(server.url, searcher.accessToken, sample(20, 7)); // warm-up
      for (const [label, queries] of [
        ['word', wordQueries],
        ['3-character substring', partQueries],
      ] as const) {
        const { latencies, results } = await timeQueries(server.url, searcher.accessToken, queries);
        const matches = await matchCounts(db, searcher.user.id, queries.slice(0, 40));
        print(
          `  ${label}: ${queries.length} searches, one at a time; p50 ${ms(quantile(latencies, 0.5))}, ` +
            `p95 ${ms(quantile(latencies, 0.95))}, p99 ${ms(quantile(latencies, 0.99))}, ` +
            `max ${ms(latencies[latencies.length - 1] ?? Number.NaN)}; ${(results / queries.length).toFixed(1)} results per page; ` +
            `messages matching in the searcher's rooms (first ${matches.length} queries): median ${quantile(matches, 0.5)}, ` +
            `p95 ${quantile(matches, 0.95)}, max ${matches[matches.length - 1] ?? 0}`,
        );
      }
    } finally {
      await db.end();
    }
  } finally {
    await server.stop();
  }
}
