// First: configures zod before any schema is built (see the module).
import '../../src/protocol/zodSetup';
import '@vscode/codicons/dist/codicon.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { connectToHost } from './vscodeApi';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App host={connectToHost()} />
    </StrictMode>,
  );
}
