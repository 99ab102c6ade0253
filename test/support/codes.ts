import sharp from 'sharp';
import { renderQrPng } from '../../apps/server/src/qr/render.ts';
import type { HttpClient } from './http-client.ts';

/** Uploads a clean picture of a code with this text, as the console does, and returns the stored code. */
export async function uploadCode(client: HttpClient, text: string, storeId: string, stationId?: string) {
  const png = await sharp({ create: { width: 600, height: 600, channels: 3, background: '#fff' } })
    .composite([{ input: renderQrPng(text, { sizePx: 400 }), left: 100, top: 100 }])
    .png()
    .toBuffer();
  const res = await client.raw(
    'POST',
    `/api/codes/upload?storeId=${storeId}${stationId ? `&stationId=${stationId}` : ''}`,
    png,
    'image/png',
  );
  if (res.status !== 201) throw new Error(`upload failed: ${res.text}`);
  return res.body.code as { id: string; serial: string };
}
