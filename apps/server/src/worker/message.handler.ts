import type { AppContext } from '../context.ts';
import type { OutgoingMessage } from '../messaging/transport.ts';
import type { OutboxHandler } from './outbox-worker.ts';

/** Delivers a queued text message or e-mail; the payload is sealed because it may hold a one-time code. */
export function messageHandler(ctx: AppContext): OutboxHandler {
  return async (payload) => {
    const { sealed } = payload as { sealed: string };
    const message = JSON.parse(ctx.secrets.open(sealed)) as OutgoingMessage;
    await ctx.transport.send(message);
  };
}
