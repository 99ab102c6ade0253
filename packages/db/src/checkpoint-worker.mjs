// Worker-thread entry for WalCheckpointer (checkpointer.ts): its own connection to the database file,
// copying committed WAL frames into it whenever the main thread says there are new ones.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.file);
// A reader holding an old snapshot makes PASSIVE stop early; it never waits, so no timeout is needed.
db.pragma('synchronous = NORMAL');

parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } finally {
    parentPort.postMessage({ done: true });
  }
});
