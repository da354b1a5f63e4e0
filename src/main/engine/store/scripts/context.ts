/** What scripts need from the ledger besides SQL: time and ids come in, never from globals. */
export interface ScriptContext {
  now(): number;
  newId(): string;
  maxWorkflowBytes: number;
}
