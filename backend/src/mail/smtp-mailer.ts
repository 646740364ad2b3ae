import nodemailer from 'nodemailer';
import type { Mailer } from './mailer.js';

/** Mail through an SMTP server (`SMTP_URL`, e.g. `smtp://user:pass@host:587`), over a small connection pool. */
export function createSmtpMailer(options: { url: string; from: string }): Mailer {
  const transport = nodemailer.createTransport(options.url, { pool: true, maxConnections: 4 } as object);
  return {
    kind: 'smtp',
    async send(mail) {
      await transport.sendMail({ from: options.from, ...mail });
    },
    async check() {
      return (await transport.verify()) ? 'up' : 'down';
    },
    async close() {
      transport.close();
    },
  };
}
