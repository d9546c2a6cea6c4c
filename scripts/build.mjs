// Builds what tsc does not: the editor script bundle, the nodes' editor HTML, help, catalogs and icons in dist/.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build as viteBuild } from 'vite';

/** Node-RED serves a module's resources/ folder at resources/<module name>/: the nodes' HTML loads the script there. */
await build({
  entryPoints: ['nodes/editor/index.ts'],
  bundle: true,
  format: 'iife',
  target: 'es2020',
  outfile: 'resources/flink-editor.js',
  logLevel: 'warning',
});

for (const file of readdirSync('nodes').filter((name) => name.endsWith('.html'))) {
  cpSync(path.join('nodes', file), path.join('dist', 'nodes', file));
}

/**
 * A help file's `<!-- help: a b -->` line is replaced by the sections a and b, from `help/a.html` and `help/b.html`
 * of the same language, indented as the marker is: the help sections several nodes share have one home.
 */
function composeHelp(language, html) {
  return html.replace(/^( *)<!-- help: ([\w -]+?) -->$/gm, (_marker, indent, sections) => sections.split(' ').map((section) => {
    const fragment = readFileSync(path.join('nodes', 'locales', language, 'help', `${section}.html`), 'utf8').trimEnd();
    return fragment.split('\n').map((line) => (line ? indent + line : line)).join('\n');
  }).join('\n'));
}

for (const language of readdirSync(path.join('nodes', 'locales'))) {
  const from = path.join('nodes', 'locales', language);
  const to = path.join('dist', 'nodes', 'locales', language);
  mkdirSync(to, { recursive: true });
  for (const file of readdirSync(from).filter((name) => /\.(json|html)$/.test(name))) {
    const text = readFileSync(path.join(from, file), 'utf8');
    writeFileSync(path.join(to, file), file.endsWith('.html') ? composeHelp(language, text) : text);
  }
}

cpSync('icons', path.join('dist', 'nodes', 'icons'), { recursive: true });

/*
 * The companion package in dashboard/ (@flink-ops/node-red-dashboard-2-flink): tsc compiled its runtime with the rest
 * into dist/dashboard/nodes/; the package gets a copy in dashboard/dist/nodes/ with its editor HTML and catalogs (the
 * tests load it from dist/, so those go there too). Its browser side is a Vite library build into dashboard/resources/.
 */
const companionBuilt = path.join('dist', 'dashboard', 'nodes');
const companionPackaged = path.join('dashboard', 'dist', 'nodes');
rmSync(companionPackaged, { recursive: true, force: true });
cpSync(companionBuilt, companionPackaged, { recursive: true, filter: (from) => !/\.(d\.ts|map)$/.test(from) });
for (const target of [companionBuilt, companionPackaged]) {
  for (const file of readdirSync(path.join('dashboard', 'nodes')).filter((name) => name.endsWith('.html'))) {
    cpSync(path.join('dashboard', 'nodes', file), path.join(target, file));
  }
  cpSync(path.join('dashboard', 'nodes', 'locales'), path.join(target, 'locales'), { recursive: true });
}
await viteBuild({ root: 'dashboard', configFile: path.join('dashboard', 'vite.config.mjs') });
