// The dashboard's build: Vite with React (JSX through esbuild; no Babel plugin needed). The local host's build runs
// `npm run dashboard:build` with --outDir pointing at wwwroot next to the host (see src/Coder.Local/Coder.Local.csproj).
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "/",
  esbuild: { jsx: "automatic" },
  build: {
    outDir: "dist",
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 600,
    reportCompressedSize: false,
  },
  server: { proxy: { "/api": "http://127.0.0.1:7071", "/login": "http://127.0.0.1:7071" } },
});
