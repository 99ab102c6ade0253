import { type DevMessageRepository, newId } from '@paydesk/db';
import type { MessageTransport, OutgoingMessage } from './transport.ts';

/** The development mailbox: `paydesk outbox` prints what lands here. */
export class DevOutboxTransport implements MessageTransport {
  constructor(
    private readonly messages: Pick<DevMessageRepository, 'insert'>,
    private readonly now: () => number,
  ) {}

  async send(m: OutgoingMessage): Promise<void> {
    await this.messages.insert({
      id: newId(),
      to_addr: m.to,
      channel: m.channel,
      subject: m.subject,
      body: m.body,
      created_at: this.now(),
    });
  }
}
