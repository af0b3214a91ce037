import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Cp949Decoder, NfcSegmenter, decodeStream, detectEncoding, type TextEncoding } from './encoding.js';

const FIXTURES = new URL('../../../test/fixtures/census/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));

/** A CP949 encoder built by inverting our decoder (Node has no CP949 encoder). */
const CP949 = (() => {
  const table = new Map<string, number[]>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x41; trail <= 0xfe; trail++) {
      const char = new Cp949Decoder().decode(new Uint8Array([lead, trail]));
      if (char.length === 1 && char !== '\uFFFD' && !table.has(char)) table.set(char, [lead, trail]);
    }
  }
  return table;
})();

function encodeCp949(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code < 0x80) bytes.push(code);
    else {
      const pair = CP949.get(char);
      if (!pair) throw new Error(`not in CP949: ${char}`);
      bytes.push(...pair);
    }
  }
  return Uint8Array.from(bytes);
}

function encode(text: string, encoding: TextEncoding): Uint8Array {
  switch (encoding) {
    case 'utf-8':
      return Buffer.from(text, 'utf-8');
    case 'utf-8-bom':
      return Buffer.from(`\uFEFF${text}`, 'utf-8');
    case 'utf-16le':
      return Buffer.from(`\uFEFF${text}`, 'utf16le');
    case 'utf-16be':
      return Buffer.from(`\uFEFF${text}`, 'utf16le').swap16();
    case 'cp949':
      return encodeCp949(text);
  }
}

/** Split bytes into pieces at the given cut points. */
async function* pieces(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    yield bytes.subarray(at, cut);
    at = cut;
  }
  yield bytes.subarray(at);
}

async function* everyByte(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
}

async function decodeAll(source: AsyncIterable<Uint8Array>): Promise<{ text: string; encoding: TextEncoding }> {
  const decoded = decodeStream(source);
  let text = '';
  for await (const chunk of decoded.text) text += chunk;
  return { text, encoding: await decoded.encoding };
}

describe('Cp949Decoder', () => {
  // Byte pairs from Python's cp949 codec. ICU's euc-kr (Node's TextDecoder) has only the first
  // group's KS X 1001 syllables and hanja, not the 8,822 syllables of the extension, nor € and ®.
  const PYTHON_CP949: Array<[string, string]> = [
    ['가', 'b0a1'],
    ['漢', 'f9d3'],
    ['힝', 'c8fe'],
    ['갂', '8141'],
    ['궥', '82b7'],
    ['똠', '8c63'],
    ['뷁', '94ee'],
    ['햏', 'c164'],
    ['힣', 'c652'],
    ['€', 'a2e6'],
    ['®', 'a2e7'],
  ];

  it.each(PYTHON_CP949)('decodes %s from %s as Python does', (char, hex) => {
    expect(new Cp949Decoder().decode(Buffer.from(hex, 'hex'))).toBe(char);
  });

  it('maps every one of the 11,172 Hangul syllables exactly once', () => {
    const syllables = [...CP949.keys()].filter((c) => c >= '가' && c <= '힣');
    expect(syllables).toHaveLength(11_172);
    expect(CP949.size).toBe(17_048); // every two-byte character of Python's cp949 codec
  });

  it('keeps state across chunks and marks bad bytes as U+FFFD', () => {
    const decoder = new Cp949Decoder();
    expect(decoder.decode(Uint8Array.from([0x41, 0x8c]), { stream: true })).toBe('A');
    expect(decoder.decode(Uint8Array.from([0x63, 0xff, 0x80, 0xb0]), { stream: true })).toBe('똠\uFFFD\uFFFD');
    expect(decoder.decode(Uint8Array.from([0x2c]), { stream: true })).toBe('\uFFFD,'); // a lead byte before ASCII
    expect(decoder.decode(Uint8Array.from([0xc9, 0xa1, 0xb0]))).toBe('\uFFFD\uFFFD'); // user-defined row; cut off at the end
  });
});

describe('detectEncoding', () => {
  const csv = '목록키,목록명,기관명\n15000000,기관조사가격서비스,농림수산식품교육문화정보원\n';

  it('recognises byte-order marks', () => {
    expect(detectEncoding(encode(csv, 'utf-8-bom'))).toBe('utf-8-bom');
    expect(detectEncoding(encode(csv, 'utf-16le'))).toBe('utf-16le');
    expect(detectEncoding(encode(csv, 'utf-16be'))).toBe('utf-16be');
  });

  it('recognises UTF-16 without a mark from its zero bytes', () => {
    expect(detectEncoding(Buffer.from(csv, 'utf16le'))).toBe('utf-16le');
    expect(detectEncoding(Buffer.from(csv, 'utf16le').swap16())).toBe('utf-16be');
  });

  it('tells UTF-8 from CP949', () => {
    expect(detectEncoding(encode(csv, 'utf-8'))).toBe('utf-8');
    expect(detectEncoding(encode(csv, 'cp949'))).toBe('cp949');
    expect(detectEncoding(new Uint8Array())).toBe('utf-8');
  });

  it('accepts a UTF-8 sequence cut off at the end of the head', () => {
    const bytes = Buffer.from('가나다', 'utf-8');
    expect(detectEncoding(bytes.subarray(0, 4))).toBe('utf-8');
  });

  it('detects every fixture', () => {
    expect(detectEncoding(fixture('data-go-kr-1000.csv'))).toBe('utf-8');
    expect(detectEncoding(fixture('data-go-kr-1000.cp949.csv'))).toBe('cp949');
    expect(detectEncoding(fixture('data-go-kr-100.utf8-bom.csv'))).toBe('utf-8-bom');
    expect(detectEncoding(fixture('data-go-kr-100.utf16le.csv'))).toBe('utf-16le');
    expect(detectEncoding(fixture('data-go-kr-1000.csv').subarray(0, 300))).toBe('utf-8');
  });
});

describe('decodeStream', () => {
  const text = fixture('data-go-kr-1000.csv').toString('utf-8').slice(0, 5_000);

  it.each<TextEncoding>(['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be', 'cp949'])(
    'decodes %s byte by byte, without the BOM',
    async (encoding) => {
      const result = await decodeAll(everyByte(encode(text, encoding)));
      expect(result.encoding).toBe(encoding);
      expect(result.text).toBe(text);
    },
  );

  it('decodes the CP949 fixture to the same text as the UTF-8 one', async () => {
    const fromCp949 = await decodeAll(pieces(fixture('data-go-kr-1000.cp949.csv'), [1, 1000, 65_536, 70_001]));
    expect(fromCp949.encoding).toBe('cp949');
    expect(fromCp949.text).toBe(fixture('data-go-kr-1000.csv').toString('utf-8'));
  });

  it('decides between UTF-8 and CP949 at the first non-ASCII byte, however far in', async () => {
    const ascii = 'id,title\n'.repeat(20_000); // 180 kB of ASCII before any Korean
    for (const encoding of ['utf-8', 'cp949'] as const) {
      const bytes = Buffer.concat([Buffer.from(ascii), encode('1,교통사고 현황\n', encoding)]);
      const result = await decodeAll(pieces(bytes, [10, 70_000, 179_999, 180_001]));
      expect(result.encoding).toBe(encoding);
      expect(result.text).toBe(`${ascii}1,교통사고 현황\n`);
    }
    const allAscii = await decodeAll(pieces(Buffer.from(ascii), [5, 100_000]));
    expect(allAscii).toEqual({ text: ascii, encoding: 'utf-8' });
  });

  it('turns a byte CP949 cannot decode into U+FFFD without losing the commas around it', async () => {
    const bytes = Buffer.concat([encodeCp949('가,'), Buffer.from([0xff]), encodeCp949(',나\n')]);
    const result = await decodeAll(pieces(bytes, [3]));
    expect(result.encoding).toBe('cp949');
    expect(result.text).toBe('가,\uFFFD,나\n');
  });

  it('normalises to NFC, also when a syllable is split across chunks', async () => {
    const decomposed = '한국어 데이터,Café\n'.normalize('NFD');
    const bytes = Buffer.from(decomposed, 'utf-8');
    const result = await decodeAll(everyByte(bytes));
    expect(result.text).toBe('한국어 데이터,Café\n');
    expect(result.text).toBe(result.text.normalize('NFC'));
  });

  it('turns CJK compatibility ideographs into their unified forms (as data.go.kr titles need)', async () => {
    const result = await decodeAll(pieces(Buffer.from('\uF95C\uF966,x\n', 'utf-8'), [2, 4]));
    expect(result.text).toBe('\uF95C\uF966,x\n'.normalize('NFC'));
  });

  it('closes the source when the reader stops early', async () => {
    let closed = false;
    async function* source() {
      try {
        for (;;) yield Buffer.from('a,b\n'.repeat(20_000));
      } finally {
        closed = true;
      }
    }
    for await (const chunk of decodeStream(source()).text) {
      expect(chunk.startsWith('a,b')).toBe(true);
      break;
    }
    expect(closed).toBe(true);
  });

  it('gives the text back for any text, encoding and chunking (property)', async () => {
    const cp949Chars = [...CP949.keys()].filter((c) => c.normalize('NFC') === c);
    const char = fc.oneof(
      fc.constantFrom(',', '\n', '"', ' ', 'a', '1'),
      fc.integer({ min: 0xac00, max: 0xd7a3 }).map((c) => String.fromCharCode(c)),
      fc.constantFrom(...cp949Chars.slice(0, 3000)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(char, { minLength: 1, maxLength: 300 }).map((cs) => `,${cs.join('')}`),
        fc.constantFrom<TextEncoding>('utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be', 'cp949'),
        fc.array(fc.nat(2000), { maxLength: 8 }),
        async (value, encoding, cuts) => {
          // A short CP949 text can also be valid UTF-8 (',혖' is bytes 2C C2 81, which UTF-8 reads as ',' and U+0081);
          // no detector can tell those apart, and real files are long enough not to be.
          if (encoding === 'cp949') fc.pre(!isValidUtf8(encode(value, 'cp949')) || [...value].every((c) => c.charCodeAt(0) <= 0x7f));
          const result = await decodeAll(pieces(encode(value, encoding), cuts));
          expect(result.text).toBe(value.normalize('NFC'));
          // Pure-ASCII text reads the same in UTF-8 and CP949, and is reported as UTF-8.
          if (encoding !== 'cp949' || [...value].some((c) => c.charCodeAt(0) > 0x7f)) expect(result.encoding).toBe(encoding);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

describe('NfcSegmenter', () => {
  it('gives NFC of the whole for any split (property)', () => {
    const piece = fc.oneof(fc.string(), fc.constantFrom('\u1100', '\u1161', '\u11a8', '\u0301', '\u0308', 'e', '가', '\uF95C', ','));
    fc.assert(
      fc.property(
        fc.array(
          fc.array(piece, { maxLength: 6 }).map((p) => p.join('')),
          { maxLength: 8 },
        ),
        (parts) => {
          const nfc = new NfcSegmenter();
          const out = parts.map((p) => nfc.push(p)).join('') + nfc.flush();
          expect(out).toBe(parts.join('').normalize('NFC'));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
