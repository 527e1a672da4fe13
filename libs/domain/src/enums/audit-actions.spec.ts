import * as fs from 'fs';
import * as path from 'path';
import { AUDIT_ACTION_LABELS, auditActionLabel } from './audit-actions';

/**
 * Every audit action the server writes has a Chinese label (issue 15.9: the viewer and the item's 办理记录
 * never show `delivery.retry`). The actions are read from the source: `action: '…'` (also both sides of
 * a ternary), SQL that inserts into audit_logs, and template actions (`finding.${decision}`) expanded
 * from the values listed beside them here.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const SKIP = /(\.spec\.ts|\.int-spec\.ts)$|\/apps\/console\/|\/apps\/channel-sim\/|\/node_modules\/|\/dist\//;
/** Actions built from a template, with the values the template takes. */
const TEMPLATES: Record<string, string[]> = { 'finding.': ['keep', 'redact'] };

function files(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (SKIP.test(p + (e.isDirectory() ? '/' : ''))) continue;
    if (e.isDirectory()) files(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

export function writtenActions(sources: string[]): { action: string; where: string }[] {
  const out: { action: string; where: string }[] = [];
  for (const f of sources) {
    const text = fs.readFileSync(f, 'utf8');
    if (!/audit\.record|insertSql|INSERT INTO audit_logs|action: /.test(text)) continue;
    const where = path.relative(ROOT, f);
    const writesAudit = /audit\.record|\.insertSql\(|INSERT INTO audit_logs/.test(text);
    if (!writesAudit) continue;
    for (const line of text.split('\n')) {
      if (/\baction:/.test(line)) for (const m of line.matchAll(/'([a-z_]+\.[a-z_]+)'/g)) out.push({ action: m[1], where });
      for (const m of line.matchAll(/action: `([a-z_]+\.)\$\{/g))
        for (const v of TEMPLATES[m[1]] ?? [`<unknown ${m[1]}…>`]) out.push({ action: m[1] + v, where });
    }
    for (const m of text.matchAll(/INSERT INTO audit_logs[^`]*?VALUES\s*\([^,]*,\s*'([a-z_]+\.[a-z_]+)'/g)) out.push({ action: m[1], where });
  }
  return out;
}

describe('audit action labels', () => {
  it('finds the actions the server writes (the scan itself)', () => {
    const found = writtenActions(files(path.join(ROOT, 'apps'))).concat(writtenActions(files(path.join(ROOT, 'libs'))));
    const names = new Set(found.map((f) => f.action));
    for (const a of [
      'item.approve',
      'item.approve_level',
      'user.activate',
      'user.deactivate',
      'finding.keep',
      'delivery.retry',
      'installation.bootstrap',
      'auth.login',
    ])
      expect(names).toContain(a);
  });

  it('every written action has a Chinese label', () => {
    const found = writtenActions(files(path.join(ROOT, 'apps'))).concat(writtenActions(files(path.join(ROOT, 'libs'))));
    const missing = found.filter((f) => !AUDIT_ACTION_LABELS[f.action]).map((f) => `${f.action} (${f.where})`);
    expect([...new Set(missing)]).toEqual([]);
    for (const label of Object.values(AUDIT_ACTION_LABELS)) expect(label).not.toMatch(/[A-Za-z]/);
  });

  it('an unknown action is named by its area, never by its code', () => {
    expect(auditActionLabel('delivery.retry')).toBe('重新发送');
    expect(auditActionLabel('item.something_new')).toBe('信息的其他操作');
    expect(auditActionLabel('zzz.new')).toBe('其他操作');
  });
});
