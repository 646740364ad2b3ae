import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Mailer, OutgoingMail, StagedMail } from './mailer.js';

/**
 * The embedded mailer: each email becomes `DATA_DIR/mail/<time>-<id>.eml` and a log line. A staged
 * mail is a `.partial` file; finishing renames it, so a reader never sees half a mail.
 */
export function createFileMailer(options: { dataDir: string; from: string; log: Logger }): Mailer {
  const dir = join(options.dataDir, 'mail');
  const render = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  const stage = async (mail: OutgoingMail): Promise<StagedMail> => {
    const info = await render.sendMail({ from: options.from, ...mail });
    await mkdir(dir, { recursive: true });
    const file = join(
      dir,
      `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`,
    );
    const partial = `${file}.partial`;
    await writeFile(partial, info.message as Buffer, { mode: 0o600 });
    return {
      finish: async () => {
        await rename(partial, file);
        options.log.info({ to: mail.to, subject: mail.subject, file }, 'email written');
      },
      abort: () => void rm(partial, { force: true }),
    };
  };

  return {
    kind: 'file',
    stage,
    async send(mail) {
      await (await stage(mail)).finish();
    },
    async check() {
      return 'embedded';
    },
    async close() {
      render.close();
    },
  };
}
