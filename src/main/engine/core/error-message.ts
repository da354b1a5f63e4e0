/** The message of anything thrown, for log lines and task notes. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
