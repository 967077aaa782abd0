// Where each panel's files live inside the extension (paths relative to its root): the script
// bundled by scripts/build.mjs from media/NAME.ts, and the stylesheets shipped from media/.
// No `vscode` import: the webview tests serve the same files.

export type PanelKind = 'span' | 'bitmap' | 'timeline';

export interface PanelAssets {
  script: string;
  styles: string[];
}

export function panelAssets(panel: PanelKind): PanelAssets {
  return { script: `dist/media/${panel}.js`, styles: ['media/panels.css'] };
}

/** Folders a panel's webview may load from (localResourceRoots). */
export const PANEL_RESOURCE_ROOTS = ['dist/media', 'media'];
