import { useServerNames } from './use-server-names';

/** A choice among the fleet's servers by name, or none ("any"): task filters and the submit pin. */
export function ServerSelect({ value, onChange, anyLabel }: { value: string; onChange(id: string): void; anyLabel: string }) {
  const servers = useServerNames().list;
  return (
    <select className="input" value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{anyLabel}</option>
      {servers.map((s) => (
        <option key={s.id} value={s.id}>
          {s.name}
        </option>
      ))}
    </select>
  );
}
