/**
 * Progress on long work: a bar redrawn in place on a terminal, plain lines when
 * DATADAM_PROGRESS=lines (for logs and tests), nothing otherwise. Always on stderr, so stdout stays
 * the command's result.
 */
export interface Progress {
  update(done: number, detail?: string): void;
  finish(detail?: string): void;
}

export function createProgress(label: string, total?: number): Progress {
  const mode = process.env.DATADAM_PROGRESS === 'lines' ? 'lines' : process.stderr.isTTY ? 'bar' : 'off';
  const started = Date.now();
  let lastDraw = 0;
  const rate = (done: number) => Math.round(done / Math.max((Date.now() - started) / 1000, 0.001));
  const line = (done: number, detail?: string) => {
    const share = total ? ` ${Math.min(100, Math.floor((done / total) * 100))}%` : '';
    return `${label}: ${done.toLocaleString('en-US')}${total ? `/${total.toLocaleString('en-US')}` : ''}${share} (${rate(done).toLocaleString('en-US')}/s)${detail ? ` ${detail}` : ''}`;
  };
  return {
    update(done, detail) {
      if (mode === 'off') return;
      const now = Date.now();
      // Redrawing more than ten times a second costs time and shows nothing more.
      if (now - lastDraw < 100) return;
      lastDraw = now;
      if (mode === 'lines') process.stderr.write(`${line(done, detail)}\n`);
      else process.stderr.write(`\r\x1b[2K${line(done, detail)}`);
    },
    finish(detail) {
      if (mode === 'bar') process.stderr.write(`\r\x1b[2K`);
      if (mode === 'lines' && detail) process.stderr.write(`${label}: ${detail}\n`);
    },
  };
}
