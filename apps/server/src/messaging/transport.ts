export type MessageChannel = 'sms' | 'email';

export interface OutgoingMessage {
  to: string;
  channel: MessageChannel;
  subject: string;
  body: string;
}

/** Everything that leaves as a text message or e-mail goes through one of these. */
export interface MessageTransport {
  send(message: OutgoingMessage): Promise<void>;
}

/**
 * An SMS gateway (Aliyun, Tencent Cloud, …) plugs in here. None is configured by default, and then
 * text messages go to the development outbox like everything else.
 */
export interface SmsProvider {
  sendSms(phone: string, text: string): Promise<void>;
}

/** Routes each message to its channel's transport. */
export class RoutingTransport implements MessageTransport {
  constructor(private readonly routes: { sms: MessageTransport; email: MessageTransport }) {}

  send(message: OutgoingMessage): Promise<void> {
    return this.routes[message.channel].send(message);
  }
}

export class SmsProviderTransport implements MessageTransport {
  constructor(private readonly provider: SmsProvider) {}

  send(message: OutgoingMessage): Promise<void> {
    return this.provider.sendSms(message.to, message.body);
  }
}
