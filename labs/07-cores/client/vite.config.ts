import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** Where `npm run dev` runs the lab server that Vite's dev server passes `/api` and `/ws` to. */
const LAB = process.env.LAB_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: {
    proxy: {
      '/api': { target: LAB },
      '/ws': {
        target: LAB.replace(/^http/, 'ws'),
        ws: true,
        // The lab refuses sockets from other origins, and the page's origin is Vite's: present an
        // upgrade from Vite's own page as coming from the lab's origin (Host and Origin both the
        // lab's). Any other Origin is passed on as it came, so the lab still refuses other sites.
        changeOrigin: true,
        configure: (proxy) =>
          proxy.on('proxyReqWs', (request, incoming) => {
            if (incoming.headers.origin === `http://${incoming.headers.host}`) request.setHeader('origin', LAB);
          }),
      },
    },
  },
});
