/** U6: settings — being built. */
export function SettingsView() {
  return (
    <section className="view" aria-labelledby="settings-title">
      <h2 id="settings-title" className="view-title">Settings</h2>
    </section>
  );
}
