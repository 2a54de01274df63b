// A model host that breaks the protocol: it loads, then answers a generation with a stop reason
// that does not exist. A load with a context size of 1234 gets a status with a state that does not
// exist; one of 2345 a back-end this version does not know.
process.on('message', (message) => {
  if (message.type === 'model/load') {
    const status = { state: 'ready', contextSize: 4096, threads: 1, pid: process.pid };
    const odd = { 1234: { state: 'dreaming' }, 2345: { backend: 'quantum' } }[message.contextSize] ?? {};
    process.send({ type: 'model/status', id: message.id, status: { ...status, ...odd } });
  } else if (message.type === 'generate/start') {
    const result = { text: '', stopReason: 'weird', promptTokens: 1, evaluatedTokens: 1, completionTokens: 0 };
    process.send({ type: 'generate/done', id: message.id, result });
  }
});
process.on('disconnect', () => process.exit(0));
