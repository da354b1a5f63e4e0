import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiContext } from './components/api-context';
import { App } from './App';
import { fleetStore } from './store/fleet/store';
import { startNotifications } from './notifications/start-notifications';
import { connectStore } from './sync/connect-store';
import { createHostApi } from './transport/create-host-api';
import { applyInitialTheme } from './theme/ThemeToggle';
import './app.css';
// Split out of app.css to keep files small; imported right after it so the cascade order is unchanged.
import './components/server-cards.css';
import './views/views.css';

applyInitialTheme();
const { api, connection } = createHostApi(window);
// Outside React on purpose: the engine stream must not restart with StrictMode's double effects.
connectStore(api, connection, fleetStore);
// U8: desktop notifications follow the same store; they show only once the operator turned them on.
startNotifications(fleetStore);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element to render ComfyFleet into.');
createRoot(root).render(
  <StrictMode>
    <ApiContext value={api}>
      <App />
    </ApiContext>
  </StrictMode>,
);
