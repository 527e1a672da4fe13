/**
 * robots.txt as the importer honours it: the Disallow rules of the group for `*` (the importer is a
 * generic user agent), longest-match Allow overriding Disallow, `*` and `$` wildcards. No file, or a file
 * that cannot be read: everything is allowed (the convention).
 */
export class RobotsRules {
  constructor(
    private readonly disallow: string[],
    private readonly allow: string[] = [],
  ) {}

  static parse(text: string): RobotsRules {
    const disallow: string[] = [];
    const allow: string[] = [];
    let agents: string[] = [];
    let inRules = false;
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.replace(/#.*$/, '').trim();
      const m = /^([A-Za-z-]+)\s*:\s*(.*)$/.exec(line);
      if (!m) continue;
      const key = m[1].toLowerCase();
      const value = m[2].trim();
      if (key === 'user-agent') {
        if (inRules) agents = [];
        inRules = false;
        agents.push(value.toLowerCase());
      } else if (key === 'disallow' || key === 'allow') {
        inRules = true;
        if (!agents.includes('*') || !value) continue;
        (key === 'disallow' ? disallow : allow).push(value);
      }
    }
    return new RobotsRules(disallow, allow);
  }

  static allowAll(): RobotsRules {
    return new RobotsRules([]);
  }

  /** Whether the path (with its query) of `url` may be fetched. */
  allows(url: string): boolean {
    const u = new URL(url);
    const p = decodeSafe(u.pathname) + u.search;
    const best = (rules: string[]) => Math.max(-1, ...rules.filter((r) => matches(r, p)).map((r) => r.length));
    const d = best(this.disallow);
    return d < 0 || best(this.allow) >= d;
  }
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function matches(rule: string, path: string): boolean {
  const anchored = rule.endsWith('$');
  const body = decodeSafe(anchored ? rule.slice(0, -1) : rule);
  const re = new RegExp(
    '^' +
      body
        .split('*')
        .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      (anchored ? '$' : ''),
  );
  return re.test(path);
}
