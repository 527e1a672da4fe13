/**
 * The consistency checks of a report or of the channel counts, each ✓ or ✗ with its figures. Both lists
 * can be on one page: each has its own heading.
 */
export function Checks({ title, checks }: { title: string; checks: { id: string; label: string; ok: boolean; detail: string; severity: 'error' | 'warn' }[] }) {
  if (!checks.length) return null;
  return (
    <div className="checks">
      <h3>{title}</h3>
      <ul>
        {checks.map((c) => (
          <li key={c.id} className={c.ok ? 'ok' : c.severity === 'error' ? 'bad' : 'warn'}>
            {c.ok ? '✓' : '✗'} {c.label}：{c.detail}
          </li>
        ))}
      </ul>
    </div>
  );
}
