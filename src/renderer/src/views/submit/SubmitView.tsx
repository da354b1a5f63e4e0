/** U5: submit a workflow — being built. */
export function SubmitView() {
  return (
    <section className="view" aria-labelledby="submit-title">
      <h2 id="submit-title" className="view-title">Submit</h2>
    </section>
  );
}
