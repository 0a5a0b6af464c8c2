/** An e-mail the assistant sends. */
export interface Mail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** Sends e-mail: to files under the data folder by default, or through SMTP when configured. */
export interface Outbox {
  send(mail: Mail): Promise<void>;
}
