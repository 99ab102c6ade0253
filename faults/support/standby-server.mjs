// `paydesk serve`, started ahead of need. Loading the server's modules takes seconds on a busy machine, and a
// fault run starts the server again after every kill, so the next process loads them while the current one
// serves, then waits. On the parent's "go" it runs the real command line (`paydesk serve …`, its argv) as
// apps/server/bin/paydesk.js does. "go" may carry a clock shift: the server then wakes as if it had been down
// that long. It reads time only through Date.now, so moving Date.now moves all of it.
import { register } from 'tsx/esm/api';

register();
await import('../../apps/server/src/server.ts');
const go = new Promise((resolve) => process.once('message', resolve));
process.send?.('loaded');
const { clockShiftMs = 0 } = await go;
if (clockShiftMs) {
  const realNow = Date.now;
  Date.now = () => realNow() + clockShiftMs;
}
process.channel?.unref();
await import('../../apps/server/src/cli.ts');
