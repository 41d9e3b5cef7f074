import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vite'

// The dashboard is served by `satchel serve` at /_/; hashed files go to dist/assets/ (served with
// a one-year immutable cache), index.html is revalidated on every load.
export default defineConfig({
  base: '/_/',
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2022',
    reportCompressedSize: true,
  },
  server: {
    proxy: { '/api': process.env.SATCHEL_URL ?? 'http://127.0.0.1:8090' },
  },
})
