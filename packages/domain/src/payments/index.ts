export * from './cash.ts';
export * from './payment-state.ts';
