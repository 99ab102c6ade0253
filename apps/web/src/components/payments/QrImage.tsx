import { Skeleton } from 'antd';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/** A QR code drawn in the browser from its text: nothing is fetched, so it shows even with the network slow. */
export function QrImage({ text, size = 240, testId, alt }: { text: string; size?: number; testId?: string; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setSrc(null);
    QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: size * 2 })
      .then((url) => {
        if (live) setSrc(url);
      })
      .catch(() => {
        if (live) setSrc(null);
      });
    return () => {
      live = false;
    };
  }, [text, size]);
  if (!src) return <Skeleton.Image active style={{ width: size, height: size }} />;
  return (
    <img
      src={src}
      width={size}
      height={size}
      alt={alt}
      data-testid={testId}
      data-code-text={text}
      style={{ display: 'block', imageRendering: 'pixelated', background: '#fff' }}
    />
  );
}
