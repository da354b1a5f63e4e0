export type Theme = 'dark' | 'light';

const KEY = 'comfyfleet.theme';

/** The saved choice, else the system's preference. */
export function initialTheme(): Theme {
  try {
    const saved = window.localStorage.getItem(KEY);
    if (saved === 'dark' || saved === 'light') return saved;
  } catch {
    // Storage can be unavailable (privacy settings); the system preference still applies.
  }
  return window.matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  try {
    window.localStorage.setItem(KEY, theme);
  } catch {
    // Not saved: the choice lasts until the window closes.
  }
}
