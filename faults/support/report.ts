import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Verdict } from './invariants.ts';

export const reportFile = path.join(import.meta.dirname, '..', 'last-run.json');

export interface RunReport {
  name: string;
  dialect: string;
  seed: number;
  seconds: number;
  requests: number;
  attempts: number;
  acknowledged: number;
  verified: number;
  inFlight: number;
  violations: number;
  /** What happened during the run (kills, outages), for reading the counts. */
  events: string[];
  /** The first violations in full; the count above is the whole number. */
  examples: string[];
}

interface Report {
  seed: number;
  startedAt: string;
  runs: RunReport[];
}

/** Starts faults/last-run.json for a new `npm run test:faults` (from the global setup). */
export function startReport(seed: number): void {
  writeFileSync(reportFile, `${JSON.stringify({ seed, startedAt: new Date().toISOString(), runs: [] } satisfies Report, null, 2)}\n`);
}

/** Prints one run's counts and adds them to faults/last-run.json. */
export function recordRun(run: Omit<RunReport, 'violations' | 'examples' | keyof Verdict> & { verdict: Verdict }): RunReport {
  const { verdict, ...rest } = run;
  const entry: RunReport = {
    ...rest,
    requests: verdict.requests,
    attempts: verdict.attempts,
    acknowledged: verdict.acknowledged,
    verified: verdict.verified,
    inFlight: verdict.inFlight,
    violations: verdict.violations.length,
    examples: verdict.violations.slice(0, 50),
  };
  const report: Report = existsSync(reportFile)
    ? (JSON.parse(readFileSync(reportFile, 'utf8')) as Report)
    : { seed: run.seed, startedAt: new Date().toISOString(), runs: [] };
  report.runs.push(entry);
  writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `[faults] ${entry.name} (${entry.dialect}, seed ${entry.seed}, ${entry.seconds} s): requests ${entry.requests}, ` +
      `attempts ${entry.attempts}, acknowledged ${entry.acknowledged}, verified ${entry.verified}, violations ${entry.violations}` +
      (entry.inFlight > 0 ? ` (${entry.inFlight} payments still in flight, before their expiry)` : '') +
      `\n  ${entry.events.join('\n  ')}${entry.examples.map((v) => `\n  ✗ ${v}`).join('')}`,
  );
  return entry;
}
