import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const e2eDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(e2eDir, '..');
export const cliPath = path.join(repoRoot, 'apps', 'server', 'bin', 'paydesk.js');
export const screenshotDir = path.join(e2eDir, 'screenshots');
