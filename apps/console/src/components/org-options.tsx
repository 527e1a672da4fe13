/** The `<option>`s of an organisation picker: one per organisation, by name. */
export function OrgOptions({ orgs }: { orgs: { id: string; name: string }[] }) {
  return (
    <>
      {orgs.map((o) => (
        <option key={o.id} value={o.id}>
          {o.name}
        </option>
      ))}
    </>
  );
}
