import { deflateSync } from 'node:zlib';
import sharp from 'sharp';

/**
 * Test and benchmark inputs made in-process: photo-sized noisy JPEGs whose detail survives
 * down-scaling (so byte budgets really bind), transparent PNGs, and hostile files. Deterministic for a
 * given seed.
 */
export const syntheticImages = {
  /**
   * A camera-sized JPEG: noise at three scales (blobs, mid detail, grain) so that every rendition size
   * keeps a lot of detail, like a busy outdoor photo. ~5 MB at 4000×3000.
   */
  async noisyPhoto(width = 4000, height = 3000, seed = 1, quality = 90): Promise<Buffer> {
    const next = xorshift(seed);
    const [coarse, mid, fine] = await Promise.all([64, 6, 1].map((f) => noiseLayer(width, height, f, next)));
    const px = Buffer.alloc(width * height * 3);
    for (let i = 0; i < px.length; i++) px[i] = 0.5 * coarse[i] + 0.35 * mid[i] + 0.15 * fine[i];
    return sharp(px, { raw: { width, height, channels: 3 } })
      .jpeg({ quality })
      .toBuffer();
  },

  /** RGBA PNG: a transparent background with an opaque disc, like a logo or an exported chart. */
  async alphaPng(width = 1200, height = 900): Promise<Buffer> {
    const r = Math.min(width, height) / 3;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
      <circle cx="${width / 2}" cy="${height / 2}" r="${r}" fill="#1F4E99"/>
      <rect x="0" y="0" width="${width / 5}" height="${height / 5}" fill="#C00000" fill-opacity="0.5"/></svg>`;
    return sharp(Buffer.from(svg)).png().toBuffer();
  },

  /** A tiny valid PNG whose header claims width×height: a decompression bomb as far as a decoder knows. */
  pngBomb(width = 30_000, height = 30_000): Buffer {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(width, 0);
    ihdr.writeUInt32BE(height, 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 2; // truecolour
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', ihdr),
      pngChunk('IDAT', deflateSync(Buffer.alloc(1024))),
      pngChunk('IEND', Buffer.alloc(0)),
    ]);
  },

  /** The first `fraction` of a file, as an interrupted upload leaves it. */
  truncated(file: Buffer, fraction = 0.5): Buffer {
    return Buffer.from(file.subarray(0, Math.floor(file.length * fraction)));
  },
};

function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s & 255;
  };
}

async function noiseLayer(width: number, height: number, factor: number, next: () => number): Promise<Buffer> {
  const w = Math.max(2, Math.ceil(width / factor));
  const h = Math.max(2, Math.ceil(height / factor));
  const b = Buffer.alloc(w * h * 3);
  for (let i = 0; i < b.length; i++) b[i] = next();
  if (factor === 1) return b;
  return sharp(b, { raw: { width: w, height: h, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer();
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  let crc = 0xffffffff;
  for (const byte of body) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0, 8 + data.length);
  return out;
}
