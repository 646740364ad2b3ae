import { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Mailer, OutgoingMail, StagedMail } from './mailer.js';

const maxIdle = 4;

function connectionOptions(url: URL): SMTPConnection.Options {
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname,
    port: Number(url.port) || (secure ? 465 : 587),
    secure,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
}

/**
 * Runs one step of the conversation. nodemailer reports a dropped connection as an `error` or
 * `end` event rather than through the step's callback, so those settle the step too.
 */
function step(
  connection: SMTPConnection,
  run: (done: (error?: Error | null) => void) => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => finish(error);
    const onEnd = () => finish(new Error('SMTP connection closed'));
    function finish(error?: Error | null) {
      connection.removeListener('error', onError);
      connection.removeListener('end', onEnd);
      if (error) reject(error);
      else resolve();
    }
    connection.once('error', onError);
    connection.once('end', onEnd);
    run(finish);
  });
}

/**
 * Mail through an SMTP server (`SMTP_URL`, `smtp://user:pass@host:587` or `smtps://…`), over a few
 * reused connections. Built on nodemailer's SMTP connection rather than its transport so that a
 * mail can be staged: envelope and body sent, the final "." held until the caller's commit.
 */
export function createSmtpMailer(options: { url: string; from: string }): Mailer {
  const url = new URL(options.url);
  const auth = url.username
    ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
    : undefined;
  const idle: SMTPConnection[] = [];
  const open = new Set<SMTPConnection>();

  const connect = async (): Promise<SMTPConnection> => {
    for (let reused = idle.pop(); reused; reused = idle.pop()) {
      if (!reused.destroyed) return reused;
    }
    const connection = new SMTPConnection(connectionOptions(url));
    // An idle connection that drops is only forgotten; a step in progress reports it itself.
    connection.on('error', () => connection.close());
    connection.on('end', () => open.delete(connection));
    open.add(connection);
    try {
      await step(connection, (done) => connection.connect(done));
      // The held-back end of a staged mail is a tiny write after the body: without this, Nagle's
      // algorithm waits for the server's delayed ACK (~40 ms) before sending it.
      connection._socket.setNoDelay(true);
      if (auth) await step(connection, (done) => connection.login(auth, done));
    } catch (error) {
      connection.close();
      throw error;
    }
    return connection;
  };

  const release = (connection: SMTPConnection) => {
    if (!connection.destroyed && idle.length < maxIdle) idle.push(connection);
    else connection.quit();
  };

  const stage = async (mail: OutgoingMail): Promise<StagedMail> => {
    const message = new MailComposer({ from: options.from, ...mail }).compile();
    const envelope = message.getEnvelope();
    const raw = await message.build();
    const connection = await connect();
    let handedOver: () => void = () => undefined;
    let sent = false;
    // The body is offered once; the next read means it went to the socket and only the end is left.
    const body = new Readable({
      read() {
        if (sent) {
          handedOver();
          return;
        }
        sent = true;
        this.push(raw);
      },
    });
    const accepted = step(connection, (done) => connection.send(envelope, body, done)).then(
      () => release(connection),
      (error: unknown) => {
        connection.close();
        throw error;
      },
    );
    // Until finish() is awaited, a refusal is reported through the staged promise below.
    accepted.catch(() => undefined);
    await Promise.race([new Promise<void>((resolve) => (handedOver = resolve)), accepted]);
    return {
      finish() {
        body.push(null);
        return accepted;
      },
      abort() {
        connection.close();
      },
    };
  };

  return {
    kind: 'smtp',
    stage,
    async send(mail) {
      await (await stage(mail)).finish();
    },
    async check() {
      const connection = await connect();
      release(connection);
      return 'up';
    },
    async close() {
      idle.length = 0;
      for (const connection of open) connection.quit();
    },
  };
}
