// A model host that breaks the protocol: it loads, then answers a generation with a stop reason
// that does not exist. A load with a context size of 1234 gets a status with an unknown field value.
process.on('message', (message) => {
  if (message.type === 'model/load') {
    const status = { state: 'ready', contextSize: 4096, threads: 1, pid: process.pid };
    process.send({ type: 'model/status', id: message.id, status: message.contextSize === 1234 ? { ...status, state: 'dreaming' } : status });
  } else if (message.type === 'generate/start') {
    const result = { text: '', stopReason: 'weird', promptTokens: 1, evaluatedTokens: 1, completionTokens: 0 };
    process.send({ type: 'generate/done', id: message.id, result });
  }
});
process.on('disconnect', () => process.exit(0));
