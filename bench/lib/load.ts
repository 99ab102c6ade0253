/**
 * The load generator, run as its own process so it does not share an event loop with the server.
 * Reads a JSON job on argv: {url, connections, seconds, headers, kind: 'ceiling' | 'checkout', codes?}.
 * Prints autocannon's figures as one JSON line.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

interface Job {
  url: string;
  connections: number;
  seconds: number;
  headers: Record<string, string>;
  kind: 'ceiling' | 'checkout';
  codesFile?: string;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const codes = job.codesFile ? readFileSync(job.codesFile, 'utf8').split('\n').filter(Boolean) : [];
let next = 0;
let statuses: Record<string, number> = {};

const result = await autocannon({
  url: job.url,
  connections: job.connections,
  duration: job.seconds,
  method: 'POST',
  headers: { 'content-type': 'application/json', ...job.headers },
  requests: [
    {
      setupRequest(req) {
        if (job.kind === 'ceiling') return { ...req, body: JSON.stringify({ amount: 100 }) };
        const code = codes[next];
        next += 1;
        if (!code) throw new Error('ran out of payer codes');
        return {
          ...req,
          body: JSON.stringify({ id: randomUUID(), amountFen: 100, payment: { flow: 'code_pay', authCode: code } }),
        };
      },
    },
  ],
});
statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, (v as { count: number }).count]));
process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statuses,
  })}\n`,
);
