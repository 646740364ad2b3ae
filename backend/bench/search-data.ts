import type pg from 'pg';

export interface SearchShape {
  messages: number;
  rooms: number;
  /** Rooms the searcher is a member of. */
  memberOf: number;
}

/** Deterministic pseudo-words (a seeded generator), so every run searches the same text. */
export function vocabulary(size: number): string[] {
  const onsets = [
    'b',
    'c',
    'd',
    'f',
    'g',
    'k',
    'l',
    'm',
    'n',
    'p',
    'r',
    's',
    't',
    'v',
    'z',
    'br',
    'st',
    'tr',
  ];
  const vowels = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou'];
  const codas = ['', '', 'n', 'r', 's', 'l', 'x'];
  let state = 42;
  const next = (n: number) => {
    // xorshift32: exact in 32-bit integer arithmetic (a multiplicative generator overflows a double).
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  const words = new Set<string>();
  while (words.size < size) {
    const syllables = 2 + next(2);
    let word = '';
    for (let s = 0; s < syllables; s += 1) {
      word += `${onsets[next(onsets.length)]}${vowels[next(vowels.length)]}${codas[next(codas.length)]}`;
    }
    words.add(word);
  }
  return [...words];
}

/**
 * 1,000 authors, `rooms` public rooms, the searcher in the first `memberOf` of them, and `messages` messages
 * spread evenly over the rooms, 30 s apart: one `INSERT … SELECT generate_series` each, then VACUUM ANALYZE.
 */
export async function generateMessages(db: pg.Client, searcherId: string, shape: SearchShape): Promise<void> {
  const words = vocabulary(5000);
  await db.query(
    `insert into users (username, email, display_name, password_hash)
     select 'author' || i, 'author' || i || '@bench.test', 'Author ' || i, 'not a hash'
     from generate_series(1, 1000) as i`,
  );
  await db.query(
    `insert into rooms (name, visibility, last_seq)
     select 'bench room ' || r, 'public', $2::int from generate_series(1, $1::int) as r`,
    [shape.rooms, shape.messages / shape.rooms],
  );
  await db.query(
    `insert into room_participants (room_id, user_id, role)
     select id, $1, 'member' from rooms order by name limit $2`,
    [searcherId, shape.memberOf],
  );
  // Each body: 8 words of the vocabulary, skewed (a few words are common, most are rare, as in chat).
  const pick = (k: number) =>
    `($3::text[])[1 + floor(power((hashint4(i * 16 + ${k}) & 2147483647) / 2147483648.0, 2) * $4)::int]`;
  const body = Array.from({ length: 8 }, (_, k) => pick(k)).join(` || ' ' || `);
  await db.query(
    `with r as (select array_agg(id order by id) as ids from rooms),
          u as (select array_agg(id order by id) as ids from users where username like 'author%')
     insert into messages (room_id, seq, sender_id, body, created_at)
     select r.ids[1 + i % $2], 1 + i / $2, u.ids[1 + i % 1000], ${body},
            now() - make_interval(secs => ($1::int - i) * 30)
     from r, u, generate_series(0, $1::int - 1) as i`,
    [shape.messages, shape.rooms, words, words.length],
  );
  await db.query('vacuum analyze messages');
}
