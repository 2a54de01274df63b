/**
 * One line while the workspace is not trusted: what Restricted Mode limits, and the way to trust
 * the folder (VS Code's Workspace Trust editor). It goes when the host says the folder is trusted.
 */
export function RestrictedModeLine({ onManageTrust }: { onManageTrust: () => void }) {
  return (
    <div className="notice restricted-mode" role="status">
      <span className="codicon codicon-workspace-untrusted" aria-hidden="true" />
      <span className="notice-message">Restricted Mode: git is off and this folder&apos;s LocoOperator settings are ignored.</span>
      <button type="button" className="text-button" onClick={onManageTrust}>
        Trust Folder…
      </button>
    </div>
  );
}
