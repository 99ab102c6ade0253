/**
 * The cashier screen tells the customer display (another window of the same browser) what to show
 * through localStorage: one key per station, read on load and on every `storage` event. The display
 * then asks the server itself about the payment, so it is right even if a message is missed.
 */
import type { Payment } from '../../api/payments.ts';

export interface DisplayState {
  /** The amount keyed in so far (before any payment). */
  amountFen: number;
  payment: Pick<Payment, 'id' | 'status' | 'amountFen' | 'method' | 'flow' | 'codeText' | 'expiresAt' | 'paidAt'> | null;
  at: number;
}

export const displayKey = (stationId: string) => `paydesk.display.${stationId}`;

export function publishDisplay(stationId: string, state: Omit<DisplayState, 'at'>): void {
  try {
    localStorage.setItem(displayKey(stationId), JSON.stringify({ ...state, at: Date.now() }));
  } catch {
    // storage blocked: the display keeps showing its last state
  }
}

export function readDisplay(stationId: string): DisplayState | null {
  try {
    const raw = localStorage.getItem(displayKey(stationId));
    if (!raw) return null;
    const v = JSON.parse(raw) as DisplayState;
    return typeof v === 'object' && v !== null && typeof v.amountFen === 'number' ? v : null;
  } catch {
    return null;
  }
}

export function displayPayment(p: Payment): NonNullable<DisplayState['payment']> {
  return {
    id: p.id,
    status: p.status,
    amountFen: p.amountFen,
    method: p.method,
    flow: p.flow,
    codeText: p.codeText,
    expiresAt: p.expiresAt,
    paidAt: p.paidAt,
  };
}
