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

/** A point of the SMTP conversation where the sink can stop answering. */
export type HoldPoint = 'rcpt' | 'end';

/** One held conversation: the sink stopped answering at `point` until released. */
export interface Hold {
  /** Resolves once a sender reached the point (for `end`: the mail is already recorded). */
  reached: Promise<void>;
  /** Answers the held command (and every later one) normally. */
  release(): void;
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
  /** Answers RCPT TO normally again for this address. */
  accept(address: string): void;
  /**
   * Holds the next conversation at `point`: `rcpt` leaves RCPT TO unanswered (a stalled relay);
   * `end` records the mail when its final "." arrives but withholds the "250", as an MTA that
   * took the mail and whose answer never reached the sender.
   */
  hold(point: HoldPoint): Hold;
  /** While down, every connection is refused with 421 (service not available), as a relay in an outage. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server + mailparser) on a random port of this process. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const rejected = new Set<string>();
  const holds: { point: HoldPoint; reach: () => void; released: Promise<void> }[] = [];
  let down = false;
  const heldAt = (point: HoldPoint) => {
    const at = holds.findIndex((h) => h.point === point);
    if (at < 0) return null;
    const [hold] = holds.splice(at, 1);
    return hold ?? null;
  };
  const unavailable = () => Object.assign(new Error('service not available'), { responseCode: 421 });
  const connectionErrors: Error[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      callback(down ? unavailable() : undefined);
    },
    onMailFrom(_address, _session, callback) {
      // A connection opened before the outage is refused too.
      callback(down ? unavailable() : undefined);
    },
    onRcptTo(address, _session, callback) {
      if (rejected.has(address.address.toLowerCase())) {
        const error = Object.assign(new Error('mailbox unavailable'), { responseCode: 550 });
        callback(error);
        return;
      }
      const hold = heldAt('rcpt');
      if (hold) {
        hold.reach();
        void hold.released.then(() => callback());
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
          const hold = heldAt('end');
          if (hold) {
            hold.reach();
            void hold.released.then(() => callback());
            return;
          }
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
    accept: (address) => rejected.delete(address.toLowerCase()),
    hold(point) {
      let reach: () => void = () => undefined;
      let release: () => void = () => undefined;
      const reached = new Promise<void>((resolve) => (reach = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.push({ point, reach, released });
      return { reached, release };
    },
    setDown: (value) => {
      down = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
