import jsQR from 'jsqr';
import { dataUrlToBlob } from './data-url.ts';

/** The text a QR code in these pixels holds (RGBA, as a canvas gives them), or null. */
export function decodeQrPixels(
  data: Uint8ClampedArray,
  width: number,
  height: number,
): string | null {
  // Screens show dark-on-light codes, but a dark-mode screenshot may be inverted: try both.
  const found = jsQR(data, width, height, { inversionAttempts: 'attemptBoth' });
  return found?.data || null;
}

/** Larger pictures are scaled down first: a QR code needs few pixels, and jsQR is O(pixels). */
const MAX_SIDE = 1600;

function pixelsOf(source: CanvasImageSource, width: number, height: number): ImageData | null {
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) return null;
  context.drawImage(source, 0, 0, w, h);
  return context.getImageData(0, 0, w, h);
}

/** Reads a QR code from one frame of a playing video (the camera). */
export function scanVideoFrame(video: HTMLVideoElement): string | null {
  if (video.readyState < 2 || video.videoWidth === 0) return null;
  const pixels = pixelsOf(video, video.videoWidth, video.videoHeight);
  return pixels ? decodeQrPixels(pixels.data, pixels.width, pixels.height) : null;
}

export type ImageScan = { found: true; text: string } | { found: false; problem: string };

/** Reads a QR code from an image file or pasted picture. */
export async function scanImageBlob(blob: Blob): Promise<ImageScan> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    return {
      found: false,
      problem: "That file isn't a picture this app can read. Use a PNG or JPEG image.",
    };
  }
  try {
    const pixels = pixelsOf(bitmap, bitmap.width, bitmap.height);
    const text = pixels ? decodeQrPixels(pixels.data, pixels.width, pixels.height) : null;
    return text
      ? { found: true, text }
      : {
          found: false,
          problem: 'No QR code was found in that picture. Use a sharp picture of the whole code.',
        };
  } finally {
    bitmap.close();
  }
}

/** Reads a QR code from the clipboard image main sent as a data URL. */
export async function scanDataUrl(dataUrl: string): Promise<ImageScan> {
  const blob = dataUrlToBlob(dataUrl);
  if (!blob) return { found: false, problem: "The clipboard's picture couldn't be read." };
  return scanImageBlob(blob);
}
