// The web app's build: web/ is the root, the output goes to dist/web, where the server serves it.
// Assets get content hashes under assets/ so the server can cache them for a year (immutable);
// index.html is the only file served with no-cache.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
/** Where the API listens in development (`npm run dev` starts it on 8080). */
const api = process.env.DATADAM_API ?? 'http://localhost:8080';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: true,
    // KRDS's stylesheet names each icon many times: as files they are fetched once, as data URIs
    // they would be repeated in the CSS.
    assetsInlineLimit: (file) => (file.endsWith('.svg') ? false : undefined),
    rolldownOptions: {
      output: {
        entryFileNames: 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(
      ['/api', '/auth', '/healthz', '/readyz', '/metrics'].map((path) => [path, { target: api, changeOrigin: false }]),
    ),
  },
  preview: { port: 4173 },
});
