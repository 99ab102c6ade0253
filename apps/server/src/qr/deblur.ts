/**
 * Wiener deconvolution for codes blurred beyond what sharpening restores (Gaussian σ ≳ 0.75 module, an
 * out-of-focus phone). A Gaussian blur of σ px multiplies each spatial frequency f (cycles/px) by
 * H = exp(−2π²σ²f²); at a code's finest pattern (f = ½ cycle/module) σ = 0.8 module leaves ~4% of the
 * contrast, a few grey levels, which an 8-bit picture still carries. Dividing by H (regularised by K, the
 * noise-to-signal ratio, so that frequencies the blur erased are not blown up) brings the modules back.
 */
import FFT from 'fft.js';

export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** In-place 2-D FFT of an N×N complex image (rows, then columns). */
function fft2d(re: Float64Array, im: Float64Array, n: number, inverse: boolean): void {
  const fft = new FFT(n);
  const line = fft.createComplexArray() as number[];
  const out = fft.createComplexArray() as number[];
  for (const byColumn of [false, true]) {
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        const i = byColumn ? b * n + a : a * n + b;
        line[2 * b] = re[i] as number;
        line[2 * b + 1] = im[i] as number;
      }
      if (inverse) fft.inverseTransform(out, line);
      else fft.transform(out, line);
      for (let b = 0; b < n; b++) {
        const i = byColumn ? b * n + a : a * n + b;
        re[i] = out[2 * b] as number;
        im[i] = out[2 * b + 1] as number;
      }
    }
  }
}

/**
 * Undoes a Gaussian blur of `sigmaPx` on `img` (at most 1024 px a side: the transform is O(N² log N)).
 * The picture is padded with `background` (a code's quiet zone is light) up to a power of two.
 */
export function wienerDeblur(img: GreyImage, sigmaPx: number, noiseToSignal: number, background = 255): GreyImage {
  const { width, height, data } = img;
  let n = 1;
  while (n < Math.max(width, height)) n *= 2;
  if (n > 1024) throw new RangeError(`deblur takes at most 1024 px a side, not ${Math.max(width, height)}`);
  const re = new Float64Array(n * n).fill(background);
  const im = new Float64Array(n * n);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) re[y * n + x] = data[y * width + x] as number;
  fft2d(re, im, n, false);
  const k = -2 * Math.PI * Math.PI * sigmaPx * sigmaPx;
  for (let v = 0; v < n; v++) {
    const fv = (v < n / 2 ? v : v - n) / n;
    for (let u = 0; u < n; u++) {
      const fu = (u < n / 2 ? u : u - n) / n;
      const h = Math.exp(k * (fu * fu + fv * fv));
      const gain = h / (h * h + noiseToSignal);
      re[v * n + u] = (re[v * n + u] as number) * gain;
      im[v * n + u] = (im[v * n + u] as number) * gain;
    }
  }
  fft2d(re, im, n, true);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[y * width + x] = Math.max(0, Math.min(255, Math.round(re[y * n + x] as number)));
  }
  return { data: out, width, height };
}
