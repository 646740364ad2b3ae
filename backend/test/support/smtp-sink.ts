import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

/** One email as the sink received and parsed it. */
export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string | undefined;
}

export interface SmtpSink {
  url: string;
  mails: ReceivedMail[];
  /** Connections that broke (a sender killed mid-conversation resets its socket). */
  connectionErrors: Error[];
  /** Mails to one address so far. */
  to(address: string): ReceivedMail[];
  /** Resolves once `predicate` holds over the received mails; rejects after `timeoutMs`. */
  waitFor(predicate: (mails: ReceivedMail[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Answers RCPT TO for these addresses with a permanent 550. */
  reject(address: string): void;
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server + mailparser) on a random port of this process. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const rejected = new Set<string>();
  const connectionErrors: Error[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (rejected.has(address.address.toLowerCase())) {
        const error = Object.assign(new Error('mailbox unavailable'), { responseCode: 550 });
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          // Like an MTA, the sink takes a mail once its final "." arrived, whether or not the
          // sender lives to read the "250"; a sender cut off before the "." delivers nothing.
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            messageId: parsed.messageId,
          });
          for (const wake of waiters) wake();
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  server.on('error', (error: Error) => connectionErrors.push(error));
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    connectionErrors,
    to: (address) => mails.filter((m) => m.to.includes(address.toLowerCase())),
    waitFor(predicate, timeoutMs = 10_000) {
      if (predicate(mails)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`smtp sink: condition not met after ${timeoutMs} ms (${mails.length} mails)`));
        }, timeoutMs);
        function check() {
          if (!predicate(mails)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        }
        waiters.add(check);
      });
    },
    reject: (address) => rejected.add(address.toLowerCase()),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
