import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import type { Mail, Outbox } from '../app/outbox.port.js';
import type { Logger } from '../log.js';
import { privateDir } from './private-dir.js';

/**
 * Writes each mail as an .eml file built by nodemailer's stream transport, for local use with no
 * mail server; logs where. The mails hold verification codes and links, so the folder is 0700 and
 * each file 0600.
 */
export class FileOutbox implements Outbox {
  private ready?: Promise<void>;
  // The same message builder as SmtpOutbox, so the file is the RFC 5322 message a server would get.
  private transport?: ReturnType<typeof fileTransport>;

  constructor(
    private readonly dir: string,
    private readonly from: string,
    private readonly log: Logger,
  ) {}

  async send(mail: Mail): Promise<void> {
    // Narrowed once; created again with 0700 should someone remove it while the assistant runs.
    await (this.ready ??= privateDir(this.dir, this.log));
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = join(this.dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`);
    this.transport ??= fileTransport();
    const { message } = await (await this.transport).sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text });
    await writeFile(file, message, { mode: 0o600, flag: 'wx' });
    this.log.info({ file }, 'mail written to the outbox folder');
  }
}

/** Sends through an SMTP server (SMTP_URL). */
export class SmtpOutbox implements Outbox {
  private transport?: Promise<Transporter>;

  constructor(
    private readonly url: string,
    private readonly from: string,
  ) {}

  async send(mail: Mail): Promise<void> {
    this.transport ??= import('nodemailer').then(({ createTransport }) => createTransport(this.url));
    await (await this.transport).sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text });
  }
}

/** nodemailer's message builder, loaded with the first mail: a start that sends none does not pay for it. */
async function fileTransport() {
  const { createTransport } = await import('nodemailer');
  return createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
}
