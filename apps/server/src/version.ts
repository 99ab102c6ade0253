import { createRequire } from 'node:module';

// The product's version is the root package's: it is what CHANGELOG.md and update notices speak of.
const require = createRequire(import.meta.url);
export const version: string = (require('../../../package.json') as { version: string }).version;
