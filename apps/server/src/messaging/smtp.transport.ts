import nodemailer from 'nodemailer';
import type { SmtpConfig } from '../config.ts';
import type { MessageTransport, OutgoingMessage } from './transport.ts';

/** Real e-mail, configured by SMTP_URL (smtp[s]://user:pass@host:port) and SMTP_FROM. */
export class SmtpTransport implements MessageTransport {
  private readonly mailer: nodemailer.Transporter;

  constructor(private readonly config: SmtpConfig) {
    this.mailer = nodemailer.createTransport(config.url);
  }

  async send(m: OutgoingMessage): Promise<void> {
    await this.mailer.sendMail({ from: this.config.from, to: m.to, subject: m.subject, text: m.body });
  }
}
