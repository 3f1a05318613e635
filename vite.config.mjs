// Builds the browser bundles Minka serves itself (no CDN) from the npm packages in package.json.
// Chunks keep Vite's own content hash in their names; Django's collectstatic keeps the unhashed
// copies too, so the relative imports between them resolve as built.
export default {
  publicDir: false,
  build: {
    outDir: "build/static",
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: { webform: "minka/collect/frontend/webform.js" },
      output: { entryFileNames: "collect/[name].js", chunkFileNames: "collect/chunks/[name]-[hash].js" },
    },
  },
  define: { "process.env.NODE_ENV": '"production"' },
};
