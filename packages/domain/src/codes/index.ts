export * from './crc16.ts';
export * from './emvco.ts';
export * from './payment-code.ts';
export * from './recognise.ts';
