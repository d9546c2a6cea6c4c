import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../dev/paths';

/** The parts of this repository's package.json the packaging tests read. */
export interface PackageJson {
  name: string;
  version: string;
  license?: string;
  keywords?: string[];
  repository?: { type?: string; url?: string } | string;
  bugs?: { url?: string } | string;
  main: string;
  types?: string;
  files?: string[];
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  'node-red': { version?: string; nodes: Record<string, string> };
}

export function readPackageJson(): PackageJson {
  return JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as PackageJson;
}

/** A node type as its editor HTML registers it. */
export interface EditorNodeType {
  type: string;
  category: string;
  /** The HTML file, relative to the repository. */
  file: string;
}

/**
 * Every `RED.nodes.registerType("<type>", { category: "<category>" ...` literal in `nodes/*.html` (or any other
 * `.registerType(` call, as `FlinkEditor.registerType`), as the Flow Library reads node types from a package.
 */
export function editorNodeTypes(): EditorNodeType[] {
  const dir = path.join(projectRoot, 'nodes');
  return readdirSync(dir).filter((file) => file.endsWith('.html')).sort().flatMap((file) => {
    const html = readFileSync(path.join(dir, file), 'utf8');
    return [...html.matchAll(/\.registerType\(\s*["']([^"']+)["']\s*,\s*\{[\s\S]*?\bcategory\s*:\s*["']([^"']+)["']/g)]
      .map((match) => ({ type: match[1]!, category: match[2]!, file: `nodes/${file}` }));
  });
}
