import { parseYuan } from '@paydesk/domain';
import { useEffect, useRef, useState } from 'react';

/**
 * A random UUID. `crypto.randomUUID` exists only in secure contexts (https or localhost); a counter
 * PC reaching the server as http://192.168.x.x has only `getRandomValues`, so fall back to that.
 */
export function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export type KeypadKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '00' | '.' | '⌫' | 'C';

const maxIntegerDigits = 8;

/** The text of a keypad amount after one key: at most 2 decimals, no leading zeros, at most 8 yuan digits. */
export function pressKey(text: string, key: KeypadKey): string {
  if (key === 'C') return '';
  if (key === '⌫') return text.slice(0, -1);
  if (key === '.') {
    if (text.includes('.')) return text;
    return text === '' ? '0.' : `${text}.`;
  }
  let next = text;
  for (const digit of key) {
    const [int = '', dec] = next.split('.');
    if (dec !== undefined) {
      if (dec.length >= 2) break;
      next = `${next}${digit}`;
    } else if (int === '0') {
      next = digit === '0' ? '0' : digit;
    } else if (int.length >= maxIntegerDigits) {
      break;
    } else {
      next = `${int}${digit}`;
    }
  }
  return next;
}

/** Fen for a keypad text; '' and '12.' read as 0 and 1200. */
export function keypadFen(text: string): number {
  if (text === '') return 0;
  return parseYuan(text.endsWith('.') ? text.slice(0, -1) : text) ?? 0;
}

/** Maps a physical key to a keypad key, or null. */
export function keypadKeyOf(e: { key: string }): KeypadKey | null {
  if (/^[0-9]$/.test(e.key)) return e.key as KeypadKey;
  if (e.key === '.' || e.key === 'Decimal') return '.';
  if (e.key === 'Backspace') return '⌫';
  if (e.key === 'Escape' || e.key === 'Delete') return 'C';
  return null;
}

const notTextInputs = new Set(['radio', 'checkbox', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image', 'hidden']);

/** Whether an element takes typed text (a text field, a select): then the keyboard belongs to it, not to the keypad or the scan field. */
export function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLInputElement) return !notTextInputs.has(target.type);
  return target.tagName === 'TEXTAREA' || target.tagName === 'SELECT';
}

/** Whole seconds left before `until` (epoch ms), ticking; 0 once passed or when there is no deadline. */
export function useSecondsLeft(until: number | null | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!until) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [until]);
  return until ? Math.max(0, Math.ceil((until - now) / 1000)) : 0;
}

/** 125 → "2:05". */
export function mmss(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Calls `fn` at once and then every `ms` while `active`, never overlapping two calls. */
export function usePolling(fn: () => Promise<void>, ms: number, active: boolean, key = ''): void {
  const fnRef = useRef(fn);
  fnRef.current = fn;
  // The caller's `key` says when polling should restart.
  // biome-ignore lint/correctness/useExhaustiveDependencies: key is the deliberate trigger
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        await fnRef.current();
      } catch {
        // a missed poll is retried on the next tick
      }
      if (!stopped) timer = setTimeout(() => void tick(), ms);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [active, ms, key]);
}

/** Whether a dialog (antd Modal) is on screen: then it keeps the focus. */
export function dialogOpen(): boolean {
  return [...document.querySelectorAll<HTMLElement>('.ant-modal-wrap')].some((el) => el.getClientRects().length > 0);
}

/** Shop (China) time to the second, for a payment's history. */
export function formatMoment(ms: number, lang: string): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(new Date(ms));
}
