/**
 * `<input type="datetime-local">` holds a wall-clock time with no zone, and the browser would read it in
 * its own zone. Every time the console shows or takes is Beijing time (UTC+8, no daylight saving since
 * 1991), whatever the zone of the computer the editor happens to use.
 */
const OFFSET_MS = 8 * 60 * 60 * 1000;

/** ISO instant → the value a datetime-local input shows, in Beijing time, to the minute. '' if invalid. */
export function toBeijingInput(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return new Date(t + OFFSET_MS).toISOString().slice(0, 16);
}

/** A datetime-local value ("2026-11-21T09:30", seconds optional) read as Beijing time → ISO instant. */
export function fromBeijingInput(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const t = Date.parse(`${value.length === 16 ? `${value}:00` : value}+08:00`);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}
