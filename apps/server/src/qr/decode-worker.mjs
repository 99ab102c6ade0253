// Worker-thread entry for DecoderPool (decode-pool.ts). Plain JavaScript so that it can register tsx
// before loading the TypeScript decoder: hooks registered in the main thread do not reach workers.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { decodeImage, warmUpDecoder } = await import('./decode.ts');
await warmUpDecoder();

parentPort.on('message', async ({ id, bytes, options }) => {
  try {
    const result = await decodeImage(new Uint8Array(bytes), options);
    parentPort.postMessage({ id, result });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
parentPort.postMessage({ ready: true });
