import type { Scope } from '../../../src/protocol/webview';

export function scopeIcon(scope: Scope): string {
  switch (scope.kind) {
    case 'workspace':
      return 'root-folder';
    case 'folder':
      return 'folder';
    case 'file':
      return 'file';
    case 'selection':
      return 'list-selection';
  }
}

/** What the next question explores; a picked folder/file/selection can be removed. */
export function ScopeChip({ scope, onClear }: { scope: Scope; onClear: () => void }) {
  if (scope.kind === 'workspace') {
    return (
      <span className="scope-chip scope-workspace">
        <span className="codicon codicon-root-folder" aria-hidden="true" /> Whole workspace
      </span>
    );
  }
  const label = scope.kind === 'selection' ? `${scope.label}:${scope.startLine}-${scope.endLine}` : scope.label;
  return (
    <span className="scope-chip" title={scope.path}>
      <span className={`codicon codicon-${scopeIcon(scope)}`} aria-hidden="true" />
      <span className="scope-label">{label}</span>
      <button type="button" className="icon-button" aria-label={`Remove scope ${label}`} title="Ask about the whole workspace" onClick={onClear}>
        <span className="codicon codicon-close" aria-hidden="true" />
      </button>
    </span>
  );
}
