import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Mailer, OutgoingMail } from './mailer.js';

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
 * reused connections. One sending never takes longer than `sendTimeoutMs`: the worker's claim on
 * a digest outlives it, so no second sender starts while this one might still get its "." through.
 */
export function createSmtpMailer(options: { url: string; from: string; sendTimeoutMs?: number }): Mailer {
  const sendTimeoutMs = options.sendTimeoutMs ?? 60_000;
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

  const send = async (mail: OutgoingMail): Promise<void> => {
    const message = new MailComposer({ from: options.from, ...mail }).compile();
    const envelope = message.getEnvelope();
    const raw = await message.build();
    let current: SMTPConnection | undefined;
    let timer: NodeJS.Timeout | undefined;
    const conversation = (async () => {
      const connection = await connect();
      current = connection;
      try {
        await step(connection, (done) => connection.send(envelope, raw, done));
      } catch (error) {
        connection.close();
        throw error;
      }
      release(connection);
    })();
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        current?.close();
        reject(new Error(`SMTP sending took longer than ${sendTimeoutMs} ms`));
      }, sendTimeoutMs);
    });
    try {
      await Promise.race([conversation, deadline]);
    } finally {
      clearTimeout(timer);
      // A conversation cut by the deadline still settles; its rejection is already reported.
      conversation.catch(() => undefined);
    }
  };

  return {
    kind: 'smtp',
    send,
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
