/** U3: one task — being built. */
export function TaskDetailView({ id }: { id: string }) {
  return (
    <section className="view" aria-labelledby="task-title">
      <h2 id="task-title" className="view-title">Task {id}</h2>
    </section>
  );
}
