import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The README's setup: the component posts /api/sessions to its own origin, and Vite's dev server
// forwards /api (the WebSocket relay included) to the Parley server. PARLEY_URL lets the example's
// test point it at a server on another port.
const parley = process.env.PARLEY_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [svelte()],
  server: { proxy: { '/api': { target: parley, ws: true } } },
  preview: { proxy: { '/api': { target: parley, ws: true } } },
});
