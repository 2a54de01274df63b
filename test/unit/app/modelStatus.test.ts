import { describe, expect, it } from 'vitest';
import { downloadProgressText, modelStatusFromHost, statusBarLook } from '../../../src/app/modelStatus';

describe('modelStatusFromHost', () => {
  it('follows the model host from not loaded through loading to ready and generating', () => {
    expect(modelStatusFromHost({ state: 'stopped' }, 'm.gguf', 0)).toEqual({ state: 'notLoaded', modelName: 'm.gguf' });
    expect(modelStatusFromHost({ state: 'loading' }, 'm.gguf', 0)).toEqual({ state: 'loading', modelName: 'm.gguf' });
    expect(modelStatusFromHost({ state: 'ready', backend: 'cuda' }, 'm.gguf', 0)).toEqual({ state: 'ready', modelName: 'm.gguf', backend: 'CUDA' });
    expect(modelStatusFromHost({ state: 'generating', backend: 'metal' }, 'm.gguf', 41.5)).toMatchObject({ backend: 'Metal', tokensPerSecond: 41.5 });
  });

  it('passes on how far the model has loaded', () => {
    expect(modelStatusFromHost({ state: 'loading', loadProgress: 0.45 }, 'm.gguf', 0)).toEqual({ state: 'loading', modelName: 'm.gguf', progress: 0.45 });
  });

  it('turns a failed load and a crash into errors that say what to do', () => {
    const failed = modelStatusFromHost({ state: 'stopped', error: 'not a GGUF file' }, 'm.gguf', 0);
    expect(failed).toMatchObject({ state: 'error', actions: ['selectFile', 'openSettings', 'showLog'] });
    expect(failed.state === 'error' && failed.message).toContain('not a GGUF file');
    const crashed = modelStatusFromHost({ state: 'crashed', error: 'killed' }, 'm.gguf', 0);
    expect(crashed.state === 'error' && crashed.message).toContain('next question starts it again');
  });
});

describe('statusBarLook', () => {
  it('shows each state in a few words', () => {
    expect(statusBarLook({ state: 'notDownloaded', offer: 'LocoOperator-4B (Q4_K_M, 2.3 GB)' }).text).toBe('$(cloud-download) LocoOperator: no model');
    expect(statusBarLook({ state: 'downloading', receivedBytes: 500, totalBytes: 2000 }).text).toBe('$(sync~spin) LocoOperator: downloading 25%');
    expect(statusBarLook({ state: 'ready', modelName: 'm', backend: 'CPU' }).text).toBe('$(check) LocoOperator: ready (CPU)');
    expect(statusBarLook({ state: 'generating', modelName: 'm', backend: 'CPU', tokensPerSecond: 12.6 }).text).toBe('$(pulse) LocoOperator: 13 tok/s');
    expect(statusBarLook({ state: 'loading', modelName: 'm' }).text).toBe('$(loading~spin) LocoOperator: loading');
    expect(statusBarLook({ state: 'loading', modelName: 'm', progress: 0.456 }).text).toBe('$(loading~spin) LocoOperator: loading 45%');
    expect(statusBarLook({ state: 'generating', modelName: 'm', backend: 'CPU', tokensPerSecond: 12.6, prefill: 0.3 }).text).toBe(
      '$(pulse) LocoOperator: reading the prompt 30%',
    );
    const error = statusBarLook({ state: 'error', message: 'boom', actions: [] });
    expect(error).toMatchObject({ text: '$(error) LocoOperator: error', error: true });
    expect(error.tooltip).toContain('boom');
  });
});

describe('statusBarLook while a question is answered', () => {
  it('says the run is going, with the model in the tooltip, whether the model writes or tools run', () => {
    const ready = statusBarLook({ state: 'ready', modelName: 'LocoOperator-4B', backend: 'CPU' }, true);
    expect(ready.text).toBe('$(loading~spin) LocoOperator: exploring…');
    expect(ready.tooltip).toContain('LocoOperator-4B on CPU is exploring the workspace');
    expect(statusBarLook({ state: 'generating', modelName: 'm', backend: 'CPU', tokensPerSecond: 12.6 }, true).text).toBe(
      '$(loading~spin) LocoOperator: exploring… 13 tok/s',
    );
  });

  it('keeps loading, prefill and errors as they are', () => {
    expect(statusBarLook({ state: 'loading', modelName: 'm', progress: 0.5 }, true).text).toBe('$(loading~spin) LocoOperator: loading 50%');
    expect(statusBarLook({ state: 'generating', modelName: 'm', backend: 'CPU', tokensPerSecond: 0, prefill: 0.3 }, true).text).toBe(
      '$(pulse) LocoOperator: reading the prompt 30%',
    );
    expect(statusBarLook({ state: 'error', message: 'boom', actions: [] }, true).error).toBe(true);
  });
});

describe('downloadProgressText', () => {
  it('says how much, how fast and how long is left', () => {
    expect(downloadProgressText(1.2e9, 2.3e9, 25e6)).toBe('1.20 GB of 2.30 GB · 25.0 MB/s · 44 s left');
    expect(downloadProgressText(0.3e9, 2.3e9, 10e6)).toBe('300.0 MB of 2.30 GB · 10.0 MB/s · 3 min left');
    expect(downloadProgressText(5e6)).toBe('5.0 MB');
  });
});
