export * from './binding-rules.ts';
export * from './codes/index.ts';
export * from './errors.ts';
export * from './money.ts';
export * from './payments/index.ts';
export * from './roles.ts';
export * from './user-agent.ts';
export * from './validators/index.ts';
