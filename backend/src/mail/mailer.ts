/** One email, already rendered. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** A stable Message-ID lets a receiving server drop a copy sent twice. */
  messageId?: string;
}

/** Sends mail: SMTP with SMTP_URL, otherwise the log and DATA_DIR/mail/*.eml. */
export interface Mailer {
  readonly kind: 'smtp' | 'file';
  /** Resolves once the mail is accepted (the server's answer to the final "."). */
  send(mail: OutgoingMail): Promise<void>;
  check(): Promise<'up' | 'down' | 'embedded'>;
  close(): Promise<void>;
}
