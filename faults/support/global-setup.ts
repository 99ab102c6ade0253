import { randomInt } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { startReport } from './report.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    faultsSeed: number;
  }
}

/** One seed per `npm run test:faults`, printed so that a run can be replayed with FAULTS_SEED. */
export default function setup(project: TestProject): void {
  const seed = process.env.FAULTS_SEED ? Number(process.env.FAULTS_SEED) : randomInt(2 ** 31);
  if (!Number.isSafeInteger(seed)) throw new Error(`FAULTS_SEED must be a whole number, got "${process.env.FAULTS_SEED}"`);
  console.log(`[faults] seed ${seed} (replay with FAULTS_SEED=${seed} npm run test:faults)`);
  startReport(seed);
  project.provide('faultsSeed', seed);
}
