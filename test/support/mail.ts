import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** One mail of the outbox as its reader sees it: the file's name, the decoded To and Subject headers and the decoded text. */
export interface OutboxMail {
  readonly file: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** Reads an .eml file written by the FileOutbox, undoing the header folding, RFC 2047 words and transfer encoding nodemailer applies. */
export function readMail(path: string): OutboxMail {
  const raw = readFileSync(path, 'utf8');
  const split = raw.indexOf('\r\n\r\n');
  const headers = new Map<string, string>();
  for (const line of raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const body = raw.slice(split + 4);
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const text = encoding === 'quoted-printable' ? quotedPrintable(body).toString('utf8') : encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : body;
  return { file: basename(path), to: encodedWords(headers.get('to') ?? ''), subject: encodedWords(headers.get('subject') ?? ''), text };
}

/** The mails of the outbox in a data folder, oldest first (each file's name starts with when it was written). */
export function outboxMails(dataDir: string): OutboxMail[] {
  const dir = join(dataDir, 'outbox');
  return existsSync(dir) ? readdirSync(dir).sort().map((file) => readMail(join(dir, file))) : [];
}

function quotedPrintable(body: string): Buffer {
  const soft = body.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(soft.charCodeAt(i));
    }
  }
  return Buffer.from(bytes);
}

/** Decodes RFC 2047 encoded words; adjacent words are joined byte-wise, since one character may be split across two. */
function encodedWords(value: string): string {
  const word = /=\?[^?]+\?([BbQq])\?([^?]*)\?=/g;
  return value.replace(/(?:=\?[^?]+\?[BbQq]\?[^?]*\?=\s*)+/g, (run) => {
    const bytes = [...run.matchAll(word)].map(([, kind, data]) =>
      kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : quotedPrintable(data.replace(/_/g, ' ')),
    );
    return Buffer.concat(bytes).toString('utf8') + (/\s$/.test(run) ? ' ' : '');
  });
}
