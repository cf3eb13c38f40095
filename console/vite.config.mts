import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/**
 * The admin console, built into console/dist, which Firebase Hosting serves at the site root (see
 * firebase.json). Preact's JSX needs no plugin: Vite's own transform compiles it for Preact.
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  publicDir: "public",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 800 },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  logLevel: "warn",
});
