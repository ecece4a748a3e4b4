/** Email over SMTP with nodemailer (lead notifications). */
import type { Transporter } from 'nodemailer';

/** One message to send. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  replyTo?: string | undefined;
}

/** Sends email; `configured` is false when mail goes nowhere. */
export interface Mailer {
  readonly configured: boolean;
  /** `outbox`: kept in the local outbox the admin shows (no SMTP server); default `smtp`. */
  readonly delivery?: 'smtp' | 'outbox';
  /**
   * Sends one message. With `signal`, a message whose sender has given up (a tool past its time
   * limit) is not sent: the promise rejects with the signal's reason. A message already handed to
   * the SMTP server cannot be called back.
   */
  send(message: MailMessage, options?: { signal?: AbortSignal | undefined }): Promise<void>;
  close(): void;
}

/** Rejects with the signal's reason when the sender has given up. */
function stopIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error('the email was not sent: aborted');
}

/** Options of {@link createMailer}. */
export interface MailerOptions {
  /** `smtp://user:pass@host:port` or `smtps://…`. Without it mail is not sent (and says so). */
  smtpUrl?: string | undefined;
  /** Sender address. Default `Parley <parley@localhost>`. */
  from?: string | undefined;
  /** Allow self-signed certificates (local test servers). */
  allowInsecureTls?: boolean;
}

/**
 * Creates a mailer.
 *
 * @example
 * ```ts
 * const mailer = createMailer({ smtpUrl: process.env.SMTP_URL });
 * await mailer.send({ to: 'sales@example.com', subject: 'New lead', text: '…' });
 * ```
 */
export function createMailer(options: MailerOptions = {}): Mailer {
  const from = options.from ?? 'Parley <parley@localhost>';
  if (!options.smtpUrl) {
    return {
      configured: false,
      send: () => Promise.reject(new Error('no SMTP server is configured (set SMTP_URL)')),
      close: () => undefined,
    };
  }
  const smtpUrl = options.smtpUrl;
  // nodemailer loads on the first email, keeping server start fast.
  let transport: Promise<Transporter> | undefined;
  const connect = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport(smtpUrl, {
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
        ...(options.allowInsecureTls ? { tls: { rejectUnauthorized: false } } : {}),
      }),
    ));
  return {
    configured: true,
    async send(message, sendOptions) {
      stopIfAborted(sendOptions?.signal);
      const opened = await connect();
      stopIfAborted(sendOptions?.signal);
      await opened.sendMail({ from, ...message });
    },
    close: () => {
      void transport?.then((opened) => opened.close());
    },
  };
}

/**
 * The mailer without an SMTP server: each message goes to the local outbox (`keep`), which the
 * admin console shows, so a fresh install can see its notification emails.
 */
export function createOutboxMailer(
  keep: (message: {
    to: string;
    subject: string;
    body: string;
    replyTo?: string | undefined;
  }) => Promise<unknown>,
): Mailer {
  return {
    configured: true,
    delivery: 'outbox',
    async send(message, sendOptions) {
      stopIfAborted(sendOptions?.signal);
      await keep({
        to: message.to,
        subject: message.subject,
        body: message.text,
        replyTo: message.replyTo,
      });
    },
    close: () => undefined,
  };
}
