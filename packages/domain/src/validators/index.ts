export * from './bank-account.ts';
export * from './email.ts';
export * from './password.ts';
export * from './phone.ts';
export * from './pin.ts';
export * from './text.ts';
export * from './uscc.ts';
