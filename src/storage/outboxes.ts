import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
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
  private readonly transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

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
    const { message } = await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text });
    await writeFile(file, message, { mode: 0o600, flag: 'wx' });
    this.log.info({ file }, 'mail written to the outbox folder');
  }
}

/** Sends through an SMTP server (SMTP_URL). */
export class SmtpOutbox implements Outbox {
  private readonly transport;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(url);
  }

  async send(mail: Mail): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text });
  }
}
