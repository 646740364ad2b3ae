import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { simpleParser } from 'mailparser';
import { createFileMailer } from '../src/mail/file-mailer.js';
import { createSmtpMailer } from '../src/mail/smtp-mailer.js';
import { renderDigest } from '../src/services/notifications/digest.js';
import { startSmtpSink } from './support/smtp-sink.js';
import type { SmtpSink } from './support/smtp-sink.js';

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink?.close();
});

const from = 'messaging-app <no-reply@example.test>';
const sample = { to: 'bob@example.test', subject: 'Hi', text: 'plain body', html: '<p>html body</p>' };

describe('the SMTP mailer', () => {
  it('hands the mail to the SMTP server with text, HTML and the Message-ID', async () => {
    const mailer = createSmtpMailer({ url: sink.url, from });
    try {
      expect(await mailer.check()).toBe('up');
      await mailer.send({ ...sample, to: 'smtp-one@example.test', messageId: '<digest.abc@example.test>' });
      const [mail] = sink.to('smtp-one@example.test');
      expect(mail).toMatchObject({ subject: 'Hi', messageId: '<digest.abc@example.test>' });
      expect(mail?.text.trim()).toBe('plain body');
      expect(mail?.html).toContain('<p>html body</p>');
    } finally {
      await mailer.close();
    }
  });

  it('rejects when the server refuses the recipient', async () => {
    sink.reject('refused@example.test');
    const mailer = createSmtpMailer({ url: sink.url, from });
    try {
      await expect(mailer.send({ ...sample, to: 'refused@example.test' })).rejects.toThrow(/550|mailbox/);
    } finally {
      await mailer.close();
    }
  });

  it('rejects when no server listens', async () => {
    const mailer = createSmtpMailer({ url: 'smtp://127.0.0.1:1', from });
    try {
      await expect(mailer.send(sample)).rejects.toThrow();
    } finally {
      await mailer.close();
    }
  });
});

describe('the embedded file mailer', () => {
  it('writes each mail as a parseable .eml file under DATA_DIR/mail', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mail-test-'));
    const mailer = createFileMailer({ dataDir, from, log: pino({ level: 'silent' }) });
    try {
      expect(await mailer.check()).toBe('embedded');
      await mailer.send(sample);
      await mailer.send({ ...sample, subject: 'Second' });
      const files = (await readdir(join(dataDir, 'mail'))).sort();
      expect(files).toHaveLength(2);
      expect(files.every((f) => f.endsWith('.eml'))).toBe(true);
      const subjects = await Promise.all(
        files.map(async (f) => (await simpleParser(await readFile(join(dataDir, 'mail', f)))).subject),
      );
      expect(subjects.sort()).toEqual(['Hi', 'Second']);
      const parsed = await simpleParser(await readFile(join(dataDir, 'mail', files[0] ?? '')));
      expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '').toBe('bob@example.test');
      expect((await readdir(join(dataDir, 'mail'))).every((f) => f.endsWith('.eml'))).toBe(true);
    } finally {
      await mailer.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the digest', () => {
  const item = {
    type: 'mention' as const,
    roomId: '0b6f0a58-5f7c-4c53-9a59-0d7e1d8a1f00',
    roomName: 'dev"ops',
    actorName: 'Eve <img src=x onerror=alert(1)>',
    excerpt: '@bob see <b>this</b> & that',
    messageId: '5d1c1f6e-8d3a-4c43-9a8f-2f7b7c1e9a01',
  };

  it('escapes every piece of user content in the HTML body', () => {
    const { html, text, subject } = renderDigest({
      recipientName: 'Bob & co',
      items: [item],
      publicUrl: 'https://x.test',
    });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>this</b>');
    expect(html).toContain('Eve &lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('#dev&quot;ops');
    expect(html).toContain('Bob &amp; co');
    expect(text).toContain('@bob see <b>this</b> & that');
    // The web client's room route reads `?message=`; the profile page is where email is turned off.
    expect(text).toContain(`https://x.test/rooms/${item.roomId}?message=${item.messageId}`);
    expect(html).toContain(`href="https://x.test/rooms/${item.roomId}?message=${item.messageId}"`);
    expect(text).toContain('Turn these emails off in your profile: https://x.test/profile');
    expect(html).toContain('href="https://x.test/profile"');
    expect(subject).toBe('Eve <img src=x onerror=alert(1)> mentioned you in #dev"ops');
  });

  it('keeps the subject on one line whatever a name contains', () => {
    const { subject } = renderDigest({
      recipientName: 'Bob',
      items: [{ ...item, actorName: 'Eve\r\nBcc: victim@example.test' }],
      publicUrl: 'https://x.test',
    });
    expect(subject).not.toMatch(/[\r\n]/);
  });
});
