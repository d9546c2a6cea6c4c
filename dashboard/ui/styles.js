// The widget's styles: Dashboard 2.0 loads only the bundle's JavaScript, so the component adds them to the page itself.
export const STYLE_ID = 'ui-flink-jobs-style'

export const CSS = `
.fj { display: flex; flex-direction: column; gap: 8px; width: 100%; font-size: 0.875rem; }
.fj-bar { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.fj-bar input { border: 1px solid rgba(128,128,128,.5); border-radius: 4px; padding: 4px 8px; min-width: 12em; color: inherit; background: transparent; }
.fj-stale { color: #b00020; font-weight: 600; }
.fj-table { width: 100%; border-collapse: collapse; }
.fj-table th, .fj-table td { text-align: left; padding: 4px 8px; border-bottom: 1px solid rgba(128,128,128,.25); vertical-align: top; }
.fj-table th button { background: none; border: none; font: inherit; font-weight: 600; color: inherit; cursor: pointer; padding: 0; }
.fj-chip { display: inline-block; border-radius: 12px; padding: 1px 10px; font-size: 0.75rem; font-weight: 600; color: #fff; background: #757575; }
.fj-chip--running { background: #2e7d32; }
.fj-chip--finished { background: #1565c0; }
.fj-chip--failed { background: #c62828; }
.fj-chip--restarting { background: #ef6c00; }
.fj-chip--ended { background: #616161; }
.fj-chip--starting { background: #9e9d24; }
.fj-chip--stale { background: #bdbdbd; color: #424242; }
.fj-badge { display: inline-block; border-radius: 4px; padding: 0 6px; margin: 0 4px 2px 0; font-size: 0.75rem; font-weight: 600; color: #fff; }
.fj-badge--critical { background: #c62828; }
.fj-badge--warning { background: #ef6c00; }
.fj-actions { display: flex; gap: 6px; flex-wrap: wrap; }
.fj-actions button, .fj-pages button, .fj-dialog button { border: 1px solid rgba(128,128,128,.6); border-radius: 4px; background: transparent; color: inherit; padding: 2px 10px; cursor: pointer; }
.fj-actions button:disabled, .fj-pages button:disabled, .fj-dialog button:disabled { opacity: .45; cursor: default; }
.fj-busy { font-style: italic; }
.fj-result--ok, .fj-result--error, .fj-result--refused { max-width: 36em; overflow-wrap: anywhere; }
.fj-result--ok { color: #2e7d32; }
.fj-result--error, .fj-result--refused { color: #c62828; }
.fj-muted { opacity: .7; }
.fj-pages { display: flex; align-items: center; gap: 8px; }
.fj-backdrop { position: fixed; inset: 0; background: rgba(0,0,0,.45); display: flex; align-items: center; justify-content: center; z-index: 2000; }
.fj-dialog { background: rgb(var(--v-theme-surface, 255,255,255)); color: rgb(var(--v-theme-on-surface, 0,0,0)); border-radius: 8px; padding: 16px 20px; max-width: 32em; width: calc(100% - 32px); box-shadow: 0 8px 24px rgba(0,0,0,.3); }
.fj-dialog h3 { margin: 0 0 8px; font-size: 1rem; }
.fj-dialog input { width: 100%; border: 1px solid rgba(128,128,128,.6); border-radius: 4px; padding: 4px 8px; margin-top: 4px; color: inherit; background: transparent; }
.fj-dialog-buttons { display: flex; justify-content: flex-end; gap: 8px; margin-top: 16px; }
`
