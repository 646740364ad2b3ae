import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Mailer } from './mailer.js';

/**
 * The embedded mailer: each email becomes `DATA_DIR/mail/<time>-<id>.eml` and a log line. It is
 * written as a `.partial` file and renamed, so a reader never sees half a mail.
 */
export function createFileMailer(options: { dataDir: string; from: string; log: Logger }): Mailer {
  const dir = join(options.dataDir, 'mail');
  const render = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  return {
    kind: 'file',
    async send(mail) {
      const info = await render.sendMail({ from: options.from, ...mail });
      await mkdir(dir, { recursive: true });
      const file = join(
        dir,
        `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`,
      );
      await writeFile(`${file}.partial`, info.message as Buffer, { mode: 0o600 });
      await rename(`${file}.partial`, file);
      options.log.info({ to: mail.to, subject: mail.subject, file }, 'email written');
    },
    async check() {
      return 'embedded';
    },
    async close() {
      render.close();
    },
  };
}
