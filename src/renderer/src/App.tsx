import { useRef } from 'react';
import { EngineOfflineHint } from './components/ActionButton';
import { ConnectionBanner } from './components/ConnectionBanner';
import { Header } from './components/Header';
import { routeHref, type Route } from './routing/route';
import { useRoute } from './routing/use-route';
import { useViewFocus } from './routing/use-view-focus';
import { FleetView } from './views/fleet/FleetView';
import { LocksView } from './views/locks/LocksView';
import { LogView } from './views/log/LogView';
import { SettingsView } from './views/settings/SettingsView';
import { SubmitView } from './views/submit/SubmitView';
import { TaskDetailView } from './views/tasks/TaskDetailView';
import { TasksView } from './views/tasks/TasksView';

function View({ route }: { route: Route }) {
  switch (route.view) {
    case 'fleet':
      return <FleetView />;
    case 'tasks':
      return <TasksView />;
    case 'task':
      return <TaskDetailView key={route.id} id={route.id} />;
    case 'submit':
      return <SubmitView />;
    case 'locks':
      return <LocksView />;
    case 'settings':
      return <SettingsView />;
    case 'log':
      return <LogView />;
  }
}

export function App() {
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  useViewFocus(routeHref(route), main);
  return (
    <div className="app">
      <Header view={route.view} />
      <ConnectionBanner />
      <EngineOfflineHint />
      <main ref={main} className="content" data-view={route.view} tabIndex={-1}>
        <View route={route} />
      </main>
    </div>
  );
}
