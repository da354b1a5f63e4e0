/** U2: the task table — being built. */
export function TasksView() {
  return (
    <section className="view" aria-labelledby="tasks-title">
      <h2 id="tasks-title" className="view-title">Tasks</h2>
    </section>
  );
}
