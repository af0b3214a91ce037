/**
 * Archives built by hand for the refinery's tests, malicious ones included: a zip writer that puts
 * down exactly the names, modes and sizes it is told (yauzl and real tools would refuse to make
 * them), a zip bomb written streaming (never whole in memory), and tar / tar.gz through tar-stream.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { deflateRawSync, createDeflateRaw, gzipSync } from 'node:zlib';
import * as tarStream from 'tar-stream';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 continued over `bytes` (start with 0). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

export interface ZipEntrySpec {
  /** As written, byte for byte (a string is UTF-8 and flagged so). */
  name: string | Buffer;
  data?: Buffer;
  method?: 'store' | 'deflate';
  /** Unix mode with its file type, e.g. 0o120777 for a symlink (the link target is `data`). */
  mode?: number;
}

interface Written {
  name: Buffer;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  mode: number;
  offset: number;
}

function localHeader(e: Omit<Written, 'offset' | 'mode'>): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(e.flags, 6);
  header.writeUInt16LE(e.method, 8);
  header.writeUInt16LE(0, 10);
  header.writeUInt16LE(0x21, 12); // 1980-01-01
  header.writeUInt32LE(e.crc, 14);
  header.writeUInt32LE(e.compressedSize, 18);
  header.writeUInt32LE(e.size, 22);
  header.writeUInt16LE(e.name.length, 26);
  header.writeUInt16LE(0, 28);
  return Buffer.concat([header, e.name]);
}

function centralDirectory(entries: Written[], offset: number): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE((3 << 8) | 30, 4); // made by Unix, so the mode in the external attributes counts
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(e.flags, 8);
    header.writeUInt16LE(e.method, 10);
    header.writeUInt16LE(0, 12);
    header.writeUInt16LE(0x21, 14);
    header.writeUInt32LE(e.crc, 16);
    header.writeUInt32LE(e.compressedSize, 20);
    header.writeUInt32LE(e.size, 24);
    header.writeUInt16LE(e.name.length, 28);
    header.writeUInt32LE((e.mode << 16) >>> 0, 38);
    header.writeUInt32LE(e.offset, 42);
    parts.push(header, e.name);
  }
  const cd = Buffer.concat(parts);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([cd, end]);
}

/**
 * A zip of the given entries, in memory (small archives only).
 *
 * @example zipOf([{ name: '../../evil.txt', data: Buffer.from('x') }])
 */
export function zipOf(specs: ZipEntrySpec[]): Buffer {
  const parts: Buffer[] = [];
  const written: Written[] = [];
  let offset = 0;
  for (const spec of specs) {
    const name = typeof spec.name === 'string' ? Buffer.from(spec.name, 'utf8') : spec.name;
    const data = spec.data ?? Buffer.alloc(0);
    const deflate = spec.method === 'deflate';
    const body = deflate ? deflateRawSync(data) : data;
    const isDir = name.at(-1) === 0x2f;
    const e = {
      name,
      flags: typeof spec.name === 'string' ? 0x800 : 0,
      method: deflate ? 8 : 0,
      crc: crc32(data),
      compressedSize: body.length,
      size: data.length,
      mode: spec.mode ?? (isDir ? 0o040755 : 0o100644),
      offset,
    };
    const header = localHeader(e);
    parts.push(header, body);
    written.push(e);
    offset += header.length + body.length;
  }
  parts.push(centralDirectory(written, offset));
  return Buffer.concat(parts);
}

/**
 * Writes a zip holding one entry of `bytes` zeros, deflated, streaming: a bomb of about 1000:1.
 *
 * @example await writeZipBomb('/tmp/bomb.zip', 1024 ** 3) // 1 GiB of zeros in about 1 MB
 */
export async function writeZipBomb(file: string, bytes: number, name = 'zeros.bin'): Promise<void> {
  const out = createWriteStream(file);
  const nameBytes = Buffer.from(name);
  // Sizes and CRC are only known at the end: write a placeholder header, then the real one in the central directory
  // (yauzl reads sizes from the central directory; the local header's are ignored).
  let crc = 0;
  const zeros = Buffer.alloc(1024 * 1024);
  for (let left = bytes; left > 0; left -= zeros.length) crc = crc32(zeros.subarray(0, Math.min(left, zeros.length)), crc);
  const header = localHeader({ name: nameBytes, flags: 0, method: 8, crc, compressedSize: 0, size: bytes });
  out.write(header);
  const deflate = createDeflateRaw({ level: 9 });
  let compressedSize = 0;
  deflate.on('data', (chunk: Buffer) => {
    compressedSize += chunk.length;
    if (!out.write(chunk)) deflate.pause();
  });
  out.on('drain', () => deflate.resume());
  for (let left = bytes; left > 0; left -= zeros.length) {
    if (!deflate.write(zeros.subarray(0, Math.min(left, zeros.length)))) await once(deflate, 'drain');
  }
  deflate.end();
  await once(deflate, 'end');
  const entry: Written = { name: nameBytes, flags: 0, method: 8, crc, compressedSize, size: bytes, mode: 0o100644, offset: 0 };
  out.end(centralDirectory([entry], header.length + compressedSize));
  await once(out, 'finish');
}

export interface TarEntrySpec {
  name: string;
  data?: Buffer;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo';
  linkname?: string;
}

/** A tar (or, with `gzip`, a tar.gz) of the given entries, through tar-stream. */
export async function tarOf(specs: TarEntrySpec[], options: { gzip?: boolean } = {}): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack) chunks.push(Buffer.from(chunk as Uint8Array));
  })();
  for (const spec of specs) {
    const type = spec.type ?? 'file';
    const data = spec.data ?? Buffer.alloc(0);
    await new Promise<void>((resolve, reject) => {
      const header = {
        name: spec.name,
        type,
        size: type === 'file' ? data.length : 0,
        mode: 0o644,
        ...(spec.linkname ? { linkname: spec.linkname } : {}),
      };
      pack.entry(header, type === 'file' ? data : Buffer.alloc(0), (error) => (error ? reject(error) : resolve()));
    });
  }
  pack.finalize();
  await collected;
  const tar = Buffer.concat(chunks);
  return options.gzip ? gzipSync(tar) : tar;
}

let cp949Encoder: Map<string, number[]> | undefined;

/** Text in CP949 (the KS X 1001 part, which holds the common Hangul syllables), built from Node's own euc-kr decoder. */
export function encodeCp949(text: string): Buffer {
  if (!cp949Encoder) {
    cp949Encoder = new Map();
    const decoder = new TextDecoder('euc-kr');
    for (let lead = 0xa1; lead <= 0xfe; lead++) {
      for (let trail = 0xa1; trail <= 0xfe; trail++) {
        const char = decoder.decode(Uint8Array.from([lead, trail]));
        if (char.length === 1 && char !== '\uFFFD' && !cp949Encoder.has(char)) cp949Encoder.set(char, [lead, trail]);
      }
    }
  }
  const bytes: number[] = [];
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) bytes.push(char.charCodeAt(0));
    else {
      const pair = cp949Encoder.get(char);
      if (!pair) throw new Error(`${char} is not in KS X 1001`);
      bytes.push(...pair);
    }
  }
  return Buffer.from(bytes);
}
