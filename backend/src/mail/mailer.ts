/** One email, already rendered. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** A stable Message-ID lets a receiving server drop a copy sent twice. */
  messageId?: string;
}

/**
 * A mail handed over up to its last byte, not yet ended. Ending it is the moment the server takes
 * it; until then, abandoning it (or dying) leaves nothing delivered.
 */
export interface StagedMail {
  /** Ends the mail at once (synchronously) and resolves when the server accepted it. */
  finish(): Promise<void>;
  /** Gives the mail up: the server discards it. */
  abort(): void;
}

/** Sends mail: SMTP with SMTP_URL, otherwise the log and DATA_DIR/mail/*.eml. */
export interface Mailer {
  readonly kind: 'smtp' | 'file';
  /** Opens the transaction and transfers everything but the end of the mail. */
  stage(mail: OutgoingMail): Promise<StagedMail>;
  /** Stages and finishes: resolves once the mail is accepted. */
  send(mail: OutgoingMail): Promise<void>;
  check(): Promise<'up' | 'down' | 'embedded'>;
  close(): Promise<void>;
}
