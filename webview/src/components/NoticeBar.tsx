import type { Notice } from '../state/viewReducer';

const icons: Record<Notice['level'], string> = { info: 'info', warning: 'warning', error: 'error' };

/** A message from the host ("A question is already running") until dismissed or the next run. */
export function NoticeBar({ notice, onDismiss }: { notice?: Notice; onDismiss: () => void }) {
  if (!notice) return null;
  return (
    <div className={`notice notice-${notice.level}`} role={notice.level === 'error' ? 'alert' : 'status'}>
      <span className={`codicon codicon-${icons[notice.level]}`} aria-hidden="true" />
      <span className="notice-message">{notice.message}</span>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
        <span className="codicon codicon-close" aria-hidden="true" />
      </button>
    </div>
  );
}
