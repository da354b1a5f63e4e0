/** U4: session locks — being built. */
export function LocksView() {
  return (
    <section className="view" aria-labelledby="locks-title">
      <h2 id="locks-title" className="view-title">Locks</h2>
    </section>
  );
}
