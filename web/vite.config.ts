import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * The service worker (`src/sw.ts`) is built as its own entry at a stable URL (`/app/sw.js`, never hashed, so the
 * browser can find updates) and told which files make up this build: it precaches them at install so that the
 * app opens with no connection. The placeholder `__PRECACHE_MANIFEST__` is replaced by the list and a build id.
 */
function serviceWorkerManifest(): Plugin {
  return {
    name: 'truyxuat-sw-manifest',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = [
        ...Object.values(bundle).map((item) => item.fileName),
        ...fs.readdirSync(path.join(root, 'public')),
      ].filter((name) => name !== 'sw.js' && name !== 'index.html' && !name.endsWith('.map'));
      const sw = bundle['sw.js'];
      if (!sw || sw.type !== 'chunk') throw new Error('The service worker entry sw.js is missing from the build');
      const manifest = JSON.stringify({ build: String(Date.now()), files: ['', ...files] });
      const placeholder = /(["'`])__PRECACHE_MANIFEST__\1/;
      if (!placeholder.test(sw.code)) throw new Error('The service worker has no __PRECACHE_MANIFEST__ placeholder');
      sw.code = sw.code.replace(placeholder, () => manifest);
    },
  };
}

export default defineConfig({
  root,
  base: '/app/',
  plugins: [react(), serviceWorkerManifest()],
  publicDir: path.join(root, 'public'),
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2500,
    rollupOptions: {
      input: { main: path.join(root, 'index.html'), sw: path.join(root, 'src/sw.ts') },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
});
