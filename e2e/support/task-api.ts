import type { ServerView } from '../../src/shared/fleet';
import type { AuditPage, SubmitOutcome, TaskStatus, TaskView } from '../../src/shared/tasks';
import type { RunningHost } from './headless-host';

/**
 * The headless host's task REST API (README "Task API"), as an order service would use it.
 * The host must run with `--api-port 0 --token <token>`; it prints `ComfyFleet task API: URL/v1`.
 */
export interface TaskApi {
  submit(body: { workflow: unknown; session?: string; type?: string; key?: string }): Promise<SubmitOutcome>;
  task(id: string): Promise<TaskView>;
  servers(): Promise<ServerView[]>;
  serverId(name: string): Promise<string>;
  audit(target?: string): Promise<AuditPage>;
  /** Polls until the task has one of the statuses (the API has no push; 100 ms is plenty here). */
  waitFor(id: string, statuses: TaskStatus[], timeoutMs?: number): Promise<TaskView>;
}

export function taskApi(host: RunningHost, token: string): TaskApi {
  const m = /ComfyFleet task API: (http\S+\/v1)/.exec(host.output());
  if (!m?.[1]) throw new Error(`the host printed no task API address; start it with --api-port 0 --token T:\n${host.output()}`);
  const base = m[1];
  const request = async <T>(path: string, init?: { method: string; body: unknown }): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method: init?.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, ...(init ? { 'content-type': 'application/json' } : {}) },
      body: init ? JSON.stringify(init.body) : undefined,
    });
    const json = (await res.json()) as T;
    if (res.status >= 400 && res.status !== 409) throw new Error(`${init?.method ?? 'GET'} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const api: TaskApi = {
    submit: (body) => request<SubmitOutcome>('/tasks', { method: 'POST', body }),
    task: async (id) => (await request<{ task: TaskView }>(`/tasks/${encodeURIComponent(id)}`)).task,
    servers: async () => (await request<{ servers: ServerView[] }>('/servers')).servers,
    serverId: async (name) => {
      const found = (await api.servers()).find((s) => s.name === name);
      if (!found) throw new Error(`no server named ${name}`);
      return found.id;
    },
    audit: (target) => request<AuditPage>(`/audit${target ? `?target=${encodeURIComponent(target)}` : ''}`),
    waitFor: async (id, statuses, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const t = await api.task(id);
        if (statuses.includes(t.status)) return t;
        if (Date.now() > deadline) throw new Error(`task ${id} is ${t.status}, not ${statuses.join('/')} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
  return api;
}
