/** U7: audit and log — being built. */
export function LogView() {
  return (
    <section className="view" aria-labelledby="log-title">
      <h2 id="log-title" className="view-title">Audit &amp; log</h2>
    </section>
  );
}
