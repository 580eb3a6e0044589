import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App.tsx';
import { I18nProvider } from './i18n/index.tsx';
import { registerServiceWorker } from './offline/register.ts';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <BrowserRouter basename="/app">
        <App />
      </BrowserRouter>
    </I18nProvider>
  </StrictMode>,
);
registerServiceWorker();
