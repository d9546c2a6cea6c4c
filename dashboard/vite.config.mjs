// The browser side of ui-flink-jobs: one UMD file in resources/, which Node-RED serves at
// resources/@flink-ops/node-red-dashboard-2-flink/ and Dashboard 2.0 loads as window['ui-flink-jobs'].
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/** Dashboard 2.0 looks the library up by the widget type (package.json, node-red-dashboard-2.widgets). */
const WIDGET_TYPE = 'ui-flink-jobs';

export default defineConfig({
  plugins: [vue()],
  logLevel: 'warn',
  build: {
    lib: {
      entry: fileURLToPath(new URL('./ui/index.js', import.meta.url)),
      name: WIDGET_TYPE,
      formats: ['umd'],
      fileName: () => `${WIDGET_TYPE}.umd.js`,
    },
    outDir: fileURLToPath(new URL('./resources', import.meta.url)),
    emptyOutDir: true,
    // The dashboard provides Vue and Vuex as window.Vue and window.vuex.
    rollupOptions: {
      external: ['vue', 'vuex'],
      output: { globals: { vue: 'Vue', vuex: 'vuex' } },
    },
  },
});
