import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchPage } from '@messaging-app/shared';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import {
  addMember,
  createRoom,
  joinRoom,
  postMessage,
  problemOf,
  registerUser,
} from './support/factories.js';
import type { TestUser } from './support/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
});

/** A word of letters only (the tokenizer splits on digits and underscores), new to this run. */
function uniqueWord(prefix = 'w'): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const tail = Array.from({ length: 12 }, () => letters[randomInt(letters.length)]).join('');
  return `${prefix}${tail}`;
}

async function search(user: TestUser, params: Record<string, string>) {
  return app.server.inject({ url: `/api/search?${new URLSearchParams(params)}`, headers: user.headers });
}

async function found(user: TestUser, params: Record<string, string>): Promise<SearchPage> {
  const response = await search(user, params);
  if (response.statusCode !== 200)
    throw new Error(`search answered ${response.statusCode}: ${response.body}`);
  return response.json<SearchPage>();
}

const bodiesOf = (page: SearchPage) => page.results.map((r) => r.message.body);

describe('message search', () => {
  it('finds a message by a word in any case, with the word marked in its snippet', async () => {
    const ann = await registerUser(app.server);
    const room = await createRoom(app.server, ann);
    const word = uniqueWord();
    const message = await postMessage(app.server, ann, room.id, `We ship the ${word} release on Friday`);
    const page = await found(ann, { q: word.toUpperCase() });
    expect(page.results).toHaveLength(1);
    const [result] = page.results;
    expect(result?.message.id).toBe(message.id);
    expect(result?.roomId).toBe(room.id);
    expect(result?.highlight.text).toBe(`We ship the ${word} release on Friday`);
    const range = result?.highlight.ranges[0];
    expect(range && result.highlight.text.slice(range.start, range.end)).toBe(word);
    expect(page.nextCursor).toBeNull();
  });

  it('finds every word of a query, not any', async () => {
    const ann = await registerUser(app.server);
    const room = await createRoom(app.server, ann);
    const [first, second] = [uniqueWord(), uniqueWord()];
    await postMessage(app.server, ann, room.id, `${first} only`);
    const both = await postMessage(app.server, ann, room.id, `${second} and ${first}`);
    const page = await found(ann, { q: `${first} ${second}` });
    expect(page.results.map((r) => r.message.id)).toEqual([both.id]);
  });

  it('finds a message by three characters from inside a word', async () => {
    const ann = await registerUser(app.server);
    const room = await createRoom(app.server, ann);
    const hit = await postMessage(app.server, ann, room.id, 'the deployment went well');
    await postMessage(app.server, ann, room.id, 'nothing to see here');
    const page = await found(ann, { q: 'plo', roomId: room.id });
    expect(page.results.map((r) => r.message.id)).toEqual([hit.id]);
    const range = page.results[0]?.highlight.ranges[0];
    expect(range && 'the deployment went well'.slice(range.start, range.end)).toBe('plo');
  });

  it('finds Japanese and Chinese text by a part of it (東京タワー by 東京)', async () => {
    const ann = await registerUser(app.server);
    const room = await createRoom(app.server, ann);
    const tower = await postMessage(app.server, ann, room.id, '昨日は東京タワーに行きました');
    const chinese = await postMessage(app.server, ann, room.id, '我们明天在北京开会');
    await postMessage(app.server, ann, room.id, '大阪城も良かった');
    expect((await found(ann, { q: '東京', roomId: room.id })).results.map((r) => r.message.id)).toEqual([
      tower.id,
    ]);
    expect((await found(ann, { q: 'タワー', roomId: room.id })).results.map((r) => r.message.id)).toEqual([
      tower.id,
    ]);
    const beijing = await found(ann, { q: '北京', roomId: room.id });
    expect(beijing.results.map((r) => r.message.id)).toEqual([chinese.id]);
    const range = beijing.results[0]?.highlight.ranges[0];
    expect(range && '我们明天在北京开会'.slice(range.start, range.end)).toBe('北京');
  });

  it('matches a one- or two-letter word only as a whole word', async () => {
    const ann = await registerUser(app.server);
    const room = await createRoom(app.server, ann);
    const ok = await postMessage(app.server, ann, room.id, 'QA is ok with it');
    await postMessage(app.server, ann, room.id, 'a quality check');
    const page = await found(ann, { q: 'qa', roomId: room.id });
    expect(page.results.map((r) => r.message.id)).toEqual([ok.id]);
  });

  it('treats % and _ as the characters they are', async () => {
    const ann = await registerUser(app.server);
    const room = await createRoom(app.server, ann);
    const literal = await postMessage(app.server, ann, room.id, 'disk at 100%_full');
    await postMessage(app.server, ann, room.id, 'disk at 1000 full');
    const page = await found(ann, { q: '100%_f', roomId: room.id });
    expect(page.results.map((r) => r.message.id)).toEqual([literal.id]);
  });
});

describe('who finds what', () => {
  it('never shows messages of a room the caller left, never joined, or that is private to others', async () => {
    const [ann, bob] = [await registerUser(app.server), await registerUser(app.server)];
    const word = uniqueWord();
    const left = await createRoom(app.server, ann);
    await joinRoom(app.server, bob, left.id);
    await postMessage(app.server, ann, left.id, `${word} in the room bob leaves`);
    const leave = await app.server.inject({
      method: 'POST',
      url: `/api/rooms/${left.id}/leave`,
      headers: bob.headers,
    });
    expect(leave.statusCode).toBe(204);
    const neverJoined = await createRoom(app.server, ann, { visibility: 'public' });
    await postMessage(app.server, ann, neverJoined.id, `${word} in a public room bob never joined`);
    const secret = await createRoom(app.server, ann, { visibility: 'private' });
    await postMessage(app.server, ann, secret.id, `${word} in ann's private room`);

    expect((await found(ann, { q: word })).results).toHaveLength(3);
    expect((await found(bob, { q: word })).results).toEqual([]);
    expect((await found(bob, { q: word, roomId: secret.id })).results).toEqual([]);
    expect((await found(bob, { q: `${word} in:${secret.name}` })).results).toEqual([]);
  });

  it('shows a private room’s messages to a member added to it, and stops when they are removed', async () => {
    const [ann, bob] = [await registerUser(app.server), await registerUser(app.server)];
    const word = uniqueWord();
    const secret = await createRoom(app.server, ann, { visibility: 'private' });
    await postMessage(app.server, ann, secret.id, `${word} for members`);
    await addMember(app.server, ann, secret.id, bob);
    expect(bodiesOf(await found(bob, { q: word }))).toEqual([`${word} for members`]);
    const removed = await app.server.inject({
      method: 'DELETE',
      url: `/api/rooms/${secret.id}/participants/${bob.user.id}`,
      headers: ann.headers,
    });
    expect(removed.statusCode).toBe(204);
    expect((await found(bob, { q: word })).results).toEqual([]);
  });

  it('never finds a deleted message', async () => {
    const ann = await registerUser(app.server);
    const room = await createRoom(app.server, ann);
    const word = uniqueWord();
    const gone = await postMessage(app.server, ann, room.id, `${word} regretted`);
    const kept = await postMessage(app.server, ann, room.id, `${word} kept`);
    const deleted = await app.server.inject({
      method: 'DELETE',
      url: `/api/rooms/${room.id}/messages/${gone.id}`,
      headers: ann.headers,
    });
    expect(deleted.statusCode).toBe(204);
    expect((await found(ann, { q: word })).results.map((r) => r.message.id)).toEqual([kept.id]);
    expect((await found(ann, { q: 'regretted', roomId: room.id })).results).toEqual([]);
  });

  it('finds an edited message by its new words only', async () => {
    const ann = await registerUser(app.server);
    const room = await createRoom(app.server, ann);
    const [before, after] = [uniqueWord(), uniqueWord()];
    const message = await postMessage(app.server, ann, room.id, `${before} draft`);
    const edited = await app.server.inject({
      method: 'PATCH',
      url: `/api/rooms/${room.id}/messages/${message.id}`,
      headers: ann.headers,
      payload: { body: `${after} final` },
    });
    expect(edited.statusCode).toBe(200);
    expect((await found(ann, { q: before })).results).toEqual([]);
    expect((await found(ann, { q: after })).results.map((r) => r.message.id)).toEqual([message.id]);
  });

  it('needs authentication', async () => {
    const response = await app.server.inject({ url: '/api/search?q=hello' });
    expect(response.statusCode).toBe(401);
  });
});

describe('search filters', () => {
  it('narrows to a room with in:name or roomId, and to a sender with from:username or from', async () => {
    const [ann, bob] = [await registerUser(app.server), await registerUser(app.server)];
    const word = uniqueWord();
    const general = await createRoom(app.server, ann);
    const random = await createRoom(app.server, ann);
    await joinRoom(app.server, bob, general.id);
    await postMessage(app.server, ann, general.id, `${word} ann in general`);
    await postMessage(app.server, bob, general.id, `${word} bob in general`);
    await postMessage(app.server, ann, random.id, `${word} ann in random`);

    const inGeneral = await found(ann, { q: `${word} in:#${general.name.toUpperCase()}` });
    expect(bodiesOf(inGeneral).sort()).toEqual([`${word} ann in general`, `${word} bob in general`]);
    expect(bodiesOf(await found(ann, { q: word, roomId: random.id }))).toEqual([`${word} ann in random`]);
    expect(bodiesOf(await found(ann, { q: `from:@${bob.user.username} ${word}` }))).toEqual([
      `${word} bob in general`,
    ]);
    expect(bodiesOf(await found(ann, { q: word, from: bob.user.id }))).toEqual([`${word} bob in general`]);
    expect(bodiesOf(await found(ann, { q: `${word} in:${general.name} from:${ann.user.username}` }))).toEqual(
      [`${word} ann in general`],
    );
    expect((await found(ann, { q: `${word} from:nobody_${word}` })).results).toEqual([]);
    expect((await found(ann, { q: `${word} in:no-such-room-${word}` })).results).toEqual([]);
  });

  it('narrows by date with before: and after: (whole UTC days) and by instant', async () => {
    const ann = await registerUser(app.server);
    const room = await createRoom(app.server, ann);
    const word = uniqueWord();
    const message = await postMessage(app.server, ann, room.id, `${word} dated`);
    const sent = new Date(message.createdAt);
    const day = sent.toISOString().slice(0, 10);
    const dayAfter = new Date(sent.getTime() + 86_400_000).toISOString().slice(0, 10);
    const dayBefore = new Date(sent.getTime() - 86_400_000).toISOString().slice(0, 10);
    const count = async (q: string, extra: Record<string, string> = {}) =>
      (await found(ann, { q, ...extra })).results.length;
    expect(await count(`${word} before:${dayAfter}`)).toBe(1);
    expect(await count(`${word} before:${day}`)).toBe(0);
    expect(await count(`${word} after:${dayBefore}`)).toBe(1);
    expect(await count(`${word} after:${day}`)).toBe(0);
    expect(await count(word, { after: new Date(sent.getTime() - 1000).toISOString() })).toBe(1);
    expect(await count(word, { before: new Date(sent.getTime() - 1000).toISOString() })).toBe(0);
  });

  it('finds nothing with has:file until messages can carry files', async () => {
    const ann = await registerUser(app.server);
    const room = await createRoom(app.server, ann);
    const word = uniqueWord();
    await postMessage(app.server, ann, room.id, `${word} with no file`);
    expect(await found(ann, { q: `${word} has:file` })).toEqual({ results: [], nextCursor: null });
  });
});

describe('search order and pages', () => {
  it('puts whole-word matches first (more of them first), then newest; parts of words last', async () => {
    const ann = await registerUser(app.server);
    const room = await createRoom(app.server, ann);
    const word = uniqueWord();
    const inside = await postMessage(app.server, ann, room.id, `pre${word} only inside`);
    const twice = await postMessage(app.server, ann, room.id, `${word} and ${word} again`);
    const older = await postMessage(app.server, ann, room.id, `${word} once`);
    const newer = await postMessage(app.server, ann, room.id, `${word} once more`);
    const page = await found(ann, { q: word });
    expect(page.results.map((r) => r.message.id)).toEqual([twice.id, newer.id, older.id, inside.id]);
  });

  it('walks every result exactly once, page by page, with nextCursor', async () => {
    const ann = await registerUser(app.server);
    const room = await createRoom(app.server, ann);
    const word = uniqueWord();
    const posted: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      posted.push((await postMessage(app.server, ann, room.id, `${word} number ${i}`)).id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: SearchPage = await found(ann, { q: word, limit: '3', ...(cursor ? { cursor } : {}) });
      seen.push(...page.results.map((r) => r.message.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...posted].reverse());
  });

  it('cuts a long message to a snippet around the first match', async () => {
    const ann = await registerUser(app.server);
    const room = await createRoom(app.server, ann);
    const word = uniqueWord();
    const body = `${'lorem ipsum '.repeat(40)}${word} ${'dolor sit '.repeat(40)}`.trim();
    await postMessage(app.server, ann, room.id, body);
    const [result] = (await found(ann, { q: word })).results;
    expect(result?.message.body).toBe(body);
    const highlight = result?.highlight;
    expect(highlight?.text.startsWith('…')).toBe(true);
    expect(highlight?.text.endsWith('…')).toBe(true);
    expect(highlight?.text.length).toBeLessThanOrEqual(202);
    const range = highlight?.ranges[0];
    expect(range && highlight.text.slice(range.start, range.end)).toBe(word);
  });
});

describe('bad searches', () => {
  it.each([
    ['an empty query', { q: '' }],
    ['filters alone', { q: 'from:someone in:general' }],
    ['punctuation alone', { q: '!!! ???' }],
    ['a date that is not one', { q: 'hello before:yesterday' }],
    ['an unknown has:', { q: 'hello has:pony' }],
    ['a cursor that is not one', { q: 'hello', cursor: 'bm90LWEtY3Vyc29y' }],
    ['a limit of zero', { q: 'hello', limit: '0' }],
    ['a room id that is not one', { q: 'hello', roomId: 'general' }],
    ['a query too long', { q: 'a'.repeat(201) }],
  ])('answers 400 to %s', async (_, params) => {
    const ann = await registerUser(app.server);
    const response = await search(ann, params);
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).detail).not.toBe('');
  });

  it('says what is wrong with a filter', async () => {
    const ann = await registerUser(app.server);
    const response = await search(ann, { q: `hello before:${randomUUID()}` });
    expect(problemOf(response).detail).toMatch(/^before: use a date like/);
  });
});
