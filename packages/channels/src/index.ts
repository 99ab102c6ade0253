export * from './card-terminal.ts';
export * from './channel.ts';
export * from './member-balance.ts';
export * from './simulator/protocol.ts';
export * from './simulator/simulator.channel.ts';
