import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { AuthResponse } from '@messaging-app/shared';
import { startSmtpSink } from './support/smtp-sink.js';
import type { ReceivedMail, SmtpSink } from './support/smtp-sink.js';
import { Api, createEmailDeployment } from './support/email-backend.js';
import type { EmailDeployment } from './support/email-backend.js';
import { eventually } from './support/eventually.js';
import { testMode } from './support/services.js';

/**
 * Exactly-once email at the one place SMTP cannot make it atomic: the server's acceptance of the
 * final "." and the commit of `emailed_at`. Real processes (`main.ts all`), a real SMTP server that
 * stops answering where the test says, SIGKILL, and (on PostgreSQL) the commit cut by
 * `pg_terminate_backend`.
 */
let sink: SmtpSink;
let deployment: EmailDeployment | undefined;

// The claim lease is short so that a killed sender's digest is sent again within the test, and
// long enough that a sending on a loaded machine never outlives it (the send timeout is half of it).
const fastRecovery = {
  EMAIL_CLAIM_LEASE: '10',
  EMAIL_SWEEP_INTERVAL: '0.5',
  EMAIL_SWEEP_GRACE: '1',
};

beforeAll(async () => {
  sink = await startSmtpSink();
});
afterEach(async () => {
  await deployment?.destroy();
  deployment = undefined;
});
afterAll(async () => {
  await sink?.close();
});

/** A room where `author` mentions each of `count` offline recipients in one message. */
async function mentionOffline(api: Api, count: number) {
  const author = await api.register();
  const recipients: AuthResponse[] = [];
  for (let i = 0; i < count; i += 1) recipients.push(await api.register());
  const room = await api.room(author, recipients);
  return {
    recipients,
    /** Posts a mention of `who`, through `via` (a restarted server) or the first API. */
    mention: (who: AuthResponse[], text: string, via: Api = api) =>
      via.post(author, room, `${who.map((r) => `@${r.user.username}`).join(' ')} ${text}`),
  };
}

/** Per recipient, every mail they got. */
function mailsOf(recipients: AuthResponse[]): ReceivedMail[][] {
  return recipients.map((r) => sink.to(r.user.email));
}

describe('email exactly once across the SMTP "." and the commit', () => {
  it('a sender SIGKILLed after the server took the mail, before its commit, causes at most one more copy, with the same Message-ID', async () => {
    deployment = await createEmailDeployment(sink.url, fastRecovery);
    let { process: server, url } = await deployment.start('all');
    const api = new Api(url);
    const { recipients, mention } = await mentionOffline(api, 3);
    const [held, ...others] = recipients as [AuthResponse, ...AuthResponse[]];

    const hold = sink.hold('end');
    await mention([held], 'first');
    await hold.reached;
    expect(await server.stop('SIGKILL')).toBe('SIGKILL');
    hold.release();
    expect(sink.to(held.user.email)).toHaveLength(1);

    ({ process: server, url } = await deployment.start('all'));
    await mention(others, 'after the restart', new Api(url));
    await sink.waitFor(() => others.every((r) => sink.to(r.user.email).length >= 1), 30_000);
    // The orphaned digest goes out again once its lease ran out: same Message-ID.
    await sink.waitFor(() => sink.to(held.user.email).length >= 2, 30_000);
    expect(await server.stop('SIGTERM')).toBe('0');

    const [first, second, ...more] = sink.to(held.user.email);
    expect(more).toEqual([]);
    expect(second?.messageId).toBe(first?.messageId);
    for (const mails of mailsOf(others)) expect(mails).toHaveLength(1);
  }, 120_000);

  it.runIf(testMode === 'services')(
    'a cut COMMIT of emailed_at, after the server took the mail, sends no second email',
    async () => {
      deployment = await createEmailDeployment(sink.url);
      const db = new pg.Client({ connectionString: deployment.database?.url });
      await db.connect();
      try {
        // The commit that records `emailed_at` runs this deferred trigger, which waits for the
        // test's advisory lock: the commit is then in flight, and the test cuts it.
        await db.query(`select pg_advisory_lock(4242)`);
        await db.query(`create function hold_emailed() returns trigger language plpgsql as $$
          begin perform pg_advisory_xact_lock_shared(4242); return null; end $$`);
        await db.query(`create constraint trigger hold_emailed after update on notifications
          deferrable initially deferred for each row
          when (old.emailed_at is null and new.emailed_at is not null) execute function hold_emailed()`);

        const { process: server, url } = await deployment.start('all');
        const api = new Api(url);
        const { recipients, mention } = await mentionOffline(api, 1);
        const [bob] = recipients as [AuthResponse];
        await mention([bob], 'cut the commit');
        const committing = async () =>
          (
            await db.query<{ pid: number }>(
              `select pid from pg_stat_activity
               where datname = current_database() and wait_event_type = 'Lock' and wait_event = 'advisory'`,
            )
          ).rows;
        await eventually(async () => (await committing()).length > 0, 'the commit of emailed_at', 30_000);
        expect(sink.to(bob.user.email)).toHaveLength(1);
        for (const { pid } of await committing()) await db.query('select pg_terminate_backend($1)', [pid]);
        await db.query('drop trigger hold_emailed on notifications');
        await db.query('select pg_advisory_unlock(4242)');

        await eventually(
          async () =>
            (
              await db.query(`select 1 from notifications where user_id = $1 and emailed_at is not null`, [
                bob.user.id,
              ])
            ).rowCount === 1,
          'emailed_at recorded after the cut',
          30_000,
        );
        expect(await server.stop('SIGTERM')).toBe('0');
        expect(sink.to(bob.user.email)).toHaveLength(1);
        expect(server.output()).toContain('email accepted but emailed_at not recorded; retrying');
      } finally {
        await db.end();
      }
    },
    120_000,
  );

  it('a worker stopped with SIGTERM in the middle of an SMTP conversation finishes that mail, once', async () => {
    deployment = await createEmailDeployment(sink.url, fastRecovery);
    const { process: server, url } = await deployment.start('all');
    const api = new Api(url);
    const { recipients, mention } = await mentionOffline(api, 1);
    const [bob] = recipients as [AuthResponse];
    const hold = sink.hold('end');
    await mention([bob], 'stop now');
    await hold.reached;
    const stopped = server.stop('SIGTERM');
    hold.release();
    expect(await stopped).toBe('0');
    expect(sink.to(bob.user.email)).toHaveLength(1);

    // Started again, nothing is left to send: the stop recorded the mail before exiting.
    const again = await deployment.start('all');
    const { recipients: later, mention: mentionLater } = await mentionOffline(new Api(again.url), 1);
    await mentionLater(later, 'a fresh one');
    await sink.waitFor(() => sink.to(later[0]?.user.email ?? '').length === 1, 30_000);
    expect(await again.process.stop('SIGTERM')).toBe('0');
    expect(sink.to(bob.user.email)).toHaveLength(1);
  }, 120_000);

  it('a stalled mail relay does not hold up the API', async () => {
    deployment = await createEmailDeployment(sink.url, fastRecovery);
    const { process: server, url } = await deployment.start('all');
    const api = new Api(url);
    const { recipients, mention } = await mentionOffline(api, 1);
    const [bob] = recipients as [AuthResponse];
    const hold = sink.hold('rcpt');
    try {
      await mention([bob], 'the relay is slow today');
      await hold.reached;
      // The worker is mid-SMTP: no database transaction may be open behind it (on PGlite every
      // query would wait for it). The rooms list answers while the relay still says nothing.
      const rooms = await fetch(`${url}/api/rooms`, {
        headers: { authorization: `Bearer ${bob.accessToken}` },
        signal: AbortSignal.timeout(5_000),
      });
      expect(rooms.status).toBe(200);
    } finally {
      hold.release();
    }
    await sink.waitFor(() => sink.to(bob.user.email).length === 1, 30_000);
    expect(await server.stop('SIGTERM')).toBe('0');
    expect(sink.to(bob.user.email)).toHaveLength(1);
  }, 120_000);
});
