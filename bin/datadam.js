#!/usr/bin/env -S node --max-semi-space-size=64
// The installed command runs the compiled CLI; `npm run build` produces it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(compiled))) {
  process.stderr.write('datadam: not built yet. Run `npm run build` first (npm start does it for you).\n');
  process.exit(1);
}
await import(compiled.href);
