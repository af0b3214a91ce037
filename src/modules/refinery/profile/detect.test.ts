import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { detectFormat } from './detect.js';

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

function cp949(text: string): Buffer {
  // 서울 and 부산 in CP949, spelled out so the test does not depend on an encoder.
  const table: Record<string, number[]> = { 서: [0xbc, 0xad], 울: [0xbf, 0xef], 부: [0xba, 0xce], 산: [0xbb, 0xea] };
  return Buffer.concat([...text].map((c) => Buffer.from(table[c] ?? [c.charCodeAt(0)])));
}

describe('detectFormat: magic bytes', () => {
  it('knows Parquet, zip, xlsx, gzip and tar whatever the name', () => {
    expect(detectFormat(bytes('PAR1', [0, 0, 0]), 'data.csv').format).toBe('parquet');
    expect(detectFormat(bytes([0x50, 0x4b, 3, 4], 'xxxx[Content_Types].xml....xl/workbook.xml'), 'a.zip').format).toBe('xlsx');
    expect(detectFormat(bytes([0x50, 0x4b, 3, 4], 'xxxxphotos/a.jpg'), 'a.xlsx')).toEqual({
      format: 'archive',
      mediaType: 'application/zip',
    });
    expect(detectFormat(bytes([0x1f, 0x8b, 8, 0]), 'a.csv.gz').mediaType).toBe('application/gzip');
    const tar = Buffer.alloc(512);
    tar.write('ustar', 257, 'latin1');
    expect(detectFormat(tar, 'a.tar').mediaType).toBe('application/x-tar');
  });

  it('knows images from real encoder output', async () => {
    const raw = { raw: { width: 4, height: 4, channels: 3 as const } };
    const pixels = Buffer.alloc(48, 200);
    for (const [fmt, type] of [
      ['png', 'image/png'],
      ['jpeg', 'image/jpeg'],
      ['gif', 'image/gif'],
      ['webp', 'image/webp'],
      ['tiff', 'image/tiff'],
    ] as const) {
      const file = await sharp(pixels, raw).toFormat(fmt).toBuffer();
      expect(detectFormat(file, 'noname'), fmt).toEqual({ format: 'image', mediaType: type });
    }
    const bmp = bytes('BM', Array(12).fill(0), [40, 0, 0, 0], Array(20).fill(0));
    expect(detectFormat(bmp, 'x').mediaType).toBe('image/bmp');
  });

  it('knows audio and video containers', () => {
    expect(detectFormat(bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '), 'a').mediaType).toBe('audio/wav');
    expect(detectFormat(bytes('ID3', [4, 0, 0]), 'a').mediaType).toBe('audio/mpeg');
    expect(detectFormat(bytes([0xff, 0xfb, 0x90, 0x64]), 'song.mp3').mediaType).toBe('audio/mpeg');
    expect(detectFormat(bytes('fLaC', [0, 0, 0, 34]), 'a').mediaType).toBe('audio/flac');
    expect(detectFormat(bytes('OggS', [0, 2], Array(22).fill(0), [1], 'vorbis'), 'a').format).toBe('audio');
    expect(detectFormat(bytes([0, 0, 0, 0x20], 'ftypisom', [0, 0, 2, 0]), 'a').mediaType).toBe('video/mp4');
    expect(detectFormat(bytes([0, 0, 0, 0x14], 'ftypqt  '), 'a').mediaType).toBe('video/quicktime');
    expect(detectFormat(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84], 'webm'), 'a').mediaType).toBe('video/webm');
    expect(detectFormat(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88], 'matroska'), 'a').mediaType).toBe('video/x-matroska');
    expect(detectFormat(bytes('%PDF-1.7\n'), 'a.csv')).toEqual({ format: 'other', mediaType: 'application/pdf' });
  });

  it('calls unknown binary other, and two sync bytes without an audio name not audio', () => {
    expect(detectFormat(bytes([0, 1, 2, 3, 4, 5, 0, 0, 9]), 'blob.bin').format).toBe('other');
    expect(detectFormat(bytes([0xff, 0xfb, 0x90, 0x64, 0, 0]), 'blob.bin').format).toBe('other');
  });
});

describe('detectFormat: text', () => {
  it('tells JSON, JSON Lines, CSV, TSV and prose apart by content, not by name', () => {
    expect(detectFormat(Buffer.from('{"a": [1, 2],\n "b": {"c": 3}\n}\n'), 'x.csv').format).toBe('json');
    expect(detectFormat(Buffer.from('[{"a":1},\n{"a":2}]'), 'x.txt').format).toBe('json');
    expect(detectFormat(Buffer.from('{"a":1}\n{"a":2}\n{"a":3}\n'), 'x.json').format).toBe('jsonl');
    expect(detectFormat(Buffer.from('지역,값,비고\n서울,1,"a, b"\n부산,2,\n'), 'x.txt').format).toBe('csv');
    expect(detectFormat(Buffer.from('지역\t값\n서울\t1, 2, 3\n부산\t2\n'), 'x.csv').format).toBe('tsv');
    expect(detectFormat(Buffer.from('a;b;c\n1;2;3\n4;5;6\n'), 'x').format).toBe('csv');
    expect(detectFormat(Buffer.from('오늘은 날씨가 좋다.\n내일은 비가 온다고 한다.\n'), 'x.txt').format).toBe('text');
  });

  it('reads CP949 and UTF-16 text before judging it', () => {
    expect(detectFormat(cp949('서울,부산\n서울,1\n부산,2\n'), 'x').format).toBe('csv');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a\tb\n1\t2\n3\t4\n', 'utf16le')]);
    expect(detectFormat(utf16, 'x')).toEqual({ format: 'tsv', mediaType: 'text/tab-separated-values' });
  });

  it('lets the extension break a tie: one column is a CSV when named so', () => {
    expect(detectFormat(Buffer.from('값\n1\n2\n'), 'x.csv').format).toBe('csv');
    expect(detectFormat(Buffer.from('값\n1\n2\n'), 'x.txt').format).toBe('text');
    expect(detectFormat(Buffer.from(''), 'empty.csv').format).toBe('text');
  });

  it('judges only whole lines when the head is cut mid-line', () => {
    const line = '1,2,3\n';
    const head = Buffer.from('a,b,c\n' + line.repeat(Math.ceil((64 * 1024) / line.length)) + '4,5').subarray(0, 64 * 1024);
    expect(detectFormat(head, 'x').format).toBe('csv');
  });
});
