import type { ModelStatus } from '../../../src/protocol/webview';
import { formatBytes } from '../../../src/protocol/byteSize';
import { formatDuration } from '../format';
import { usePostToHost } from '../hostContext';
import { modelActions } from './modelActions';

/** What the model needs before a question can run: a download, a file, a fix after an error. */
export function ModelPanel({ model }: { model?: ModelStatus }) {
  const post = usePostToHost();
  if (!model) return null;
  switch (model.state) {
    case 'notDownloaded':
      return (
        <section className="panel" aria-label="Model needed">
          <h2 className="panel-title">
            <span className="codicon codicon-cloud-download" aria-hidden="true" /> LocoOperator needs its model
          </h2>
          <p>The model runs on this machine; nothing about your code leaves it. Download it once, or use a GGUF file you already have.</p>
          <div className="panel-actions">
            <button type="button" className="primary-button" onClick={() => post({ type: 'model/download' })}>
              Download {model.offer}
            </button>
            <button type="button" className="secondary-button" onClick={() => post({ type: 'model/selectFile' })}>
              Use a GGUF file I have…
            </button>
          </div>
        </section>
      );
    case 'downloading': {
      const fraction = model.totalBytes ? model.receivedBytes / model.totalBytes : undefined;
      const details = [
        model.totalBytes ? `${formatBytes(model.receivedBytes)} of ${formatBytes(model.totalBytes)}` : formatBytes(model.receivedBytes),
        model.bytesPerSecond !== undefined ? `${formatBytes(model.bytesPerSecond)}/s` : undefined,
        model.etaSeconds !== undefined ? `${formatDuration(model.etaSeconds * 1000)} left` : undefined,
      ].filter(Boolean);
      return (
        <section className="panel" aria-label="Model download">
          <h2 className="panel-title">
            <span className="codicon codicon-cloud-download" aria-hidden="true" /> Downloading the model
            {fraction !== undefined && ` · ${Math.floor(fraction * 100)}%`}
          </h2>
          <Progress fraction={fraction} label="Model download" />
          <p className="panel-detail">{details.join(' · ')}</p>
          <div className="panel-actions">
            <button type="button" className="secondary-button" onClick={() => post({ type: 'model/cancelDownload' })}>
              Cancel
            </button>
          </div>
        </section>
      );
    }
    case 'loading':
      return (
        <section className="panel panel-quiet" aria-label="Model loading">
          <div className="panel-title">
            <span className="codicon codicon-loading codicon-modifier-spin" aria-hidden="true" /> Loading {model.modelName}
            {model.progress !== undefined && ` · ${Math.floor(model.progress * 100)}%`}
          </div>
          <Progress fraction={model.progress} label="Model loading" />
        </section>
      );
    case 'error':
      return (
        <section className="panel panel-error" role="alert" aria-label="Model problem">
          <h2 className="panel-title">
            <span className="codicon codicon-error" aria-hidden="true" /> The model is not available
          </h2>
          <p className="panel-message">{model.message}</p>
          <div className="panel-actions">
            {model.actions.map((action, index) => (
              <button
                key={action}
                type="button"
                className={index === 0 ? 'primary-button' : 'secondary-button'}
                onClick={() => post(modelActions[action].message)}
              >
                {modelActions[action].label}
              </button>
            ))}
          </div>
        </section>
      );
    default:
      return null;
  }
}

function Progress({ fraction, label }: { fraction?: number; label: string }) {
  const percent = fraction === undefined ? undefined : Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  return (
    <div
      className={`progress${percent === undefined ? ' progress-indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <div className="progress-bar" style={percent === undefined ? undefined : { width: `${percent}%` }} />
    </div>
  );
}
