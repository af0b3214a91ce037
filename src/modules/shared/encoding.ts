/**
 * Character encodings of uploaded text files, found without being told: UTF-8 (with or without a
 * byte-order mark), UTF-16 (either byte order, with or without a mark) and CP949 (Korean Windows,
 * a superset of EUC-KR), the encodings Korean spreadsheets are saved in. Decoding is chunk by chunk
 * so a file of any size passes through in bounded memory.
 */

/** The encodings a bulk-import file may be in. */
export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'cp949';

/** How many leading bytes `decodeStream` gathers before it decides on the encoding. */
export const SNIFF_BYTES = 64 * 1024;

/** A decoder for one of the encodings, fed chunk by chunk (TextDecoder's interface). */
interface ChunkDecoder {
  decode(bytes?: Uint8Array, options?: { stream?: boolean }): string;
}

function decoderFor(encoding: TextEncoding): ChunkDecoder {
  switch (encoding) {
    case 'utf-8':
    case 'utf-8-bom':
      return new TextDecoder('utf-8');
    case 'utf-16le':
      return new TextDecoder('utf-16le');
    case 'utf-16be':
      return new TextDecoder('utf-16be');
    case 'cp949':
      return new Cp949Decoder();
  }
}

/**
 * Guess the encoding of a text file from its first bytes: a byte-order mark if there is one; UTF-16
 * from the pattern of zero bytes (ASCII characters such as commas and digits have a zero high byte);
 * UTF-8 if the bytes are valid UTF-8 (a sequence cut off at the end of `head` is allowed); else CP949.
 *
 * @example detectEncoding(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])) // 'utf-8-bom'
 * @example detectEncoding(Buffer.from('목록키', 'utf-8')) // 'utf-8'
 */
export function detectEncoding(head: Uint8Array): TextEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8-bom';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';

  // Text in UTF-8 or CP949 has no NUL bytes; UTF-16 has one in every ASCII character, on the odd
  // byte (little-endian) or the even byte (big-endian).
  let evenZeros = 0;
  let oddZeros = 0;
  const pairs = head.length >> 1;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (head[i] === 0) evenZeros++;
    if (head[i + 1] === 0) oddZeros++;
  }
  if (evenZeros + oddZeros >= Math.max(2, pairs / 100)) {
    if (oddZeros > evenZeros) return 'utf-16le';
    if (evenZeros > oddZeros) return 'utf-16be';
  }

  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    return 'cp949';
  }
}

/** A decoded text stream and, once decoding has begun, the encoding it was found to be in. */
export interface DecodedStream {
  /** Resolves once the text has been read far enough to know (at the end for a pure-ASCII file). */
  encoding: Promise<TextEncoding>;
  /** The text in NFC, without a byte-order mark; invalid bytes come out as U+FFFD. */
  text: AsyncIterable<string>;
}

/**
 * Decode a byte stream chunk by chunk, detecting its encoding (see `detectEncoding`) from the first
 * 64 KiB. While a file is pure ASCII so far the choice between UTF-8 and CP949 is put off (ASCII reads
 * the same in both) and made at the first non-ASCII byte. The text comes out NFC-normalised:
 * normalisation is applied up to the last character after which no composition can happen (an ASCII
 * character, a Hangul syllable or a CJK ideograph), the rest is held back for the next chunk.
 *
 * @example
 * const { encoding, text } = decodeStream(createReadStream('목록.csv'));
 * for await (const chunk of text) process(chunk);
 * console.log(await encoding); // 'cp949'
 */
export function decodeStream(source: AsyncIterable<Uint8Array>): DecodedStream {
  let settle!: (encoding: TextEncoding) => void;
  const encoding = new Promise<TextEncoding>((resolve) => (settle = resolve));
  return { encoding, text: decodeText(source, settle) };
}

async function* decodeText(source: AsyncIterable<Uint8Array>, settle: (encoding: TextEncoding) => void): AsyncGenerator<string> {
  const nfc = new NfcSegmenter();
  const input = source[Symbol.asyncIterator]();
  let finished = false;
  const pending: Uint8Array[] = [];
  let pendingBytes = 0;
  /** Read until `pending` holds at least `bytes` bytes or the input ends. */
  const fill = async (bytes: number) => {
    while (!finished && pendingBytes < bytes) {
      const next = await input.next();
      if (next.done) finished = true;
      else if (next.value.length > 0) {
        pending.push(next.value);
        pendingBytes += next.value.length;
      }
    }
  };
  const takePending = () => {
    const bytes = concat(pending, pendingBytes);
    pending.length = 0;
    pendingBytes = 0;
    return bytes;
  };

  try {
    await fill(SNIFF_BYTES);
    let bytes = takePending();
    let detected = detectEncoding(bytes);

    if (detected === 'utf-8') {
      // Pure ASCII so far? Pass ASCII through and decide at the first byte above 0x7f.
      let firstHigh = bytes.findIndex((b) => b > 0x7f);
      while (firstHigh < 0 && !finished) {
        const out = nfc.push(latin1(bytes));
        if (out) yield out;
        await fill(1);
        bytes = takePending();
        firstHigh = bytes.findIndex((b) => b > 0x7f);
      }
      if (firstHigh < 0) {
        const out = nfc.push(latin1(bytes)) + nfc.flush();
        if (out) yield out;
        settle('utf-8');
        return;
      }
      const ascii = nfc.push(latin1(bytes.subarray(0, firstHigh)));
      if (ascii) yield ascii;
      pending.push(bytes.subarray(firstHigh));
      pendingBytes = bytes.length - firstHigh;
      await fill(4096);
      bytes = takePending();
      detected = detectEncoding(bytes);
      if (detected !== 'cp949') detected = 'utf-8';
    }

    settle(detected);
    const decoder = decoderFor(detected);
    let out = nfc.push(decoder.decode(bytes, { stream: true }));
    if (out) yield out;
    while (!finished) {
      const next = await input.next();
      if (next.done) break;
      out = nfc.push(decoder.decode(next.value, { stream: true }));
      if (out) yield out;
    }
    out = nfc.push(decoder.decode()) + nfc.flush();
    if (out) yield out;
  } finally {
    settle('utf-8'); // no-op once settled; keeps awaiting callers from hanging on an early exit
    if (!finished) await input.return?.();
  }
}

/**
 * Normalises a stream of text to NFC piece by piece. A piece is cut just before a character that
 * cannot take part in a composition with what precedes it and is not reordered (canonical class 0):
 * ASCII, precomposed Hangul syllables and CJK unified ideographs, so NFC(a + b) = NFC(a) + NFC(b).
 *
 * @example
 * const nfc = new NfcSegmenter();
 * nfc.push('\u1112\u1161') + nfc.push('\u11ab,') + nfc.flush(); // '한,' (jamo split across pieces)
 */
export class NfcSegmenter {
  private held = '';

  /** Add text; returns the normalised text that is safe to emit now. */
  push(text: string): string {
    const all = this.held + text;
    let cut = all.length;
    while (cut > 0 && !isSafeStart(all.charCodeAt(cut - 1))) cut--;
    // Cut before the last safe character so it can still combine with marks in the next piece.
    cut = cut > 0 ? cut - 1 : 0;
    this.held = all.slice(cut);
    return cut === 0 ? '' : all.slice(0, cut).normalize('NFC');
  }

  /** The rest, at the end of the stream. */
  flush(): string {
    const rest = this.held.normalize('NFC');
    this.held = '';
    return rest;
  }
}

function isSafeStart(code: number): boolean {
  return code < 0x80 || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0x4e00 && code <= 0x9fff);
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Bytes all below 0x80 as a string (ASCII is the same in UTF-8 and CP949). */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

// ---------------------------------------------------------------------------------------------
// CP949

/**
 * CP949 (windows-949, Unified Hangul Code) as two-byte code → UTF-16 code unit, indexed by
 * (lead − 0x81) × 190 + (trail − 0x41); 0 where nothing is mapped. Node's `TextDecoder('euc-kr')`
 * (ICU) decodes only the KS X 1001 part, the 2,350 common syllables and the symbols and hanja, and
 * drops the other 8,822 Hangul syllables CP949 adds (e.g. 똠 = 8C 63, 궥 = 82 B7) and € and ®. So the KS X 1001
 * part is taken from TextDecoder and the extension is computed: it holds exactly the syllables
 * KS X 1001 lacks, in Unicode order, in lead bytes 0x81–0xC6 and trail bytes 0x41–0x5A, 0x61–0x7A,
 * 0x81–0xFE (0x81–0xA0 from lead 0xA1 on, where KS X 1001 takes the rest).
 */
let cp949Table: Uint16Array | undefined;

function buildCp949Table(): Uint16Array {
  const table = new Uint16Array(126 * 190);
  const ksx = new TextDecoder('euc-kr');
  const inKsx = new Set<number>();
  const pair = new Uint8Array(2);
  for (let lead = 0xa1; lead <= 0xfe; lead++) {
    for (let trail = 0xa1; trail <= 0xfe; trail++) {
      pair[0] = lead;
      pair[1] = trail;
      const char = ksx.decode(pair);
      if (char.length !== 1 || char === '\uFFFD') continue;
      const code = char.charCodeAt(0);
      if (code >= 0xe000 && code <= 0xf8ff) continue; // user-defined rows C9 and FE: unmapped in CP949
      table[(lead - 0x81) * 190 + (trail - 0x41)] = code;
      if (code >= 0xac00 && code <= 0xd7a3) inKsx.add(code);
    }
  }
  // Added to code page 949 after KS X 1001 (and in WHATWG's index), missing from ICU's table.
  table[(0xa2 - 0x81) * 190 + (0xe6 - 0x41)] = 0x20ac; // €
  table[(0xa2 - 0x81) * 190 + (0xe7 - 0x41)] = 0x00ae; // ®
  let syllable = 0xac00;
  for (let lead = 0x81; lead <= 0xc6; lead++) {
    for (let trail = 0x41; trail <= (lead < 0xa1 ? 0xfe : 0xa0); trail++) {
      if ((trail > 0x5a && trail < 0x61) || (trail > 0x7a && trail < 0x81)) continue;
      while (inKsx.has(syllable)) syllable++;
      if (syllable > 0xd7a3) return table;
      table[(lead - 0x81) * 190 + (trail - 0x41)] = syllable++;
    }
  }
  return table;
}

/**
 * A streaming CP949 decoder following the WHATWG euc-kr decoder's error handling: a byte that cannot
 * start or finish a character becomes U+FFFD, and an ASCII byte after a bad lead byte is kept.
 *
 * @example new Cp949Decoder().decode(Uint8Array.from([0x8c, 0x63, 0xb0, 0xa1])) // '똠가'
 */
export class Cp949Decoder implements ChunkDecoder {
  private lead = 0;

  decode(bytes: Uint8Array = new Uint8Array(), options: { stream?: boolean } = {}): string {
    const table = (cp949Table ??= buildCp949Table());
    const out = new Uint16Array(bytes.length + 2);
    let n = 0;
    let lead = this.lead;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i]!;
      if (lead !== 0) {
        const code = byte >= 0x41 && byte <= 0xfe ? table[(lead - 0x81) * 190 + (byte - 0x41)]! : 0;
        lead = 0;
        if (code !== 0) {
          out[n++] = code;
          continue;
        }
        out[n++] = 0xfffd;
        if (byte < 0x80) out[n++] = byte;
        continue;
      }
      if (byte < 0x80) out[n++] = byte;
      else if (byte === 0x80 || byte === 0xff) out[n++] = 0xfffd;
      else lead = byte;
    }
    if (!options.stream && lead !== 0) {
      out[n++] = 0xfffd;
      lead = 0;
    }
    this.lead = lead;
    return Buffer.from(out.buffer, 0, n * 2).toString('utf16le');
  }
}
