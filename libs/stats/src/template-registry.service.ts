import { Injectable } from '@nestjs/common';
import * as fs from 'fs';
import * as path from 'path';
import { load } from 'js-yaml';
import { loadConfigPart } from '@app/common/config/app-config';
import { AppError } from '@app/common/errors/app-error';
import { normaliseTemplate, ReportTemplate } from './report-template';
import { normaliseWebsiteTemplate } from './website/website-template';

/** config/reports: STATS_REPORTS_DIR, else the nearest config/reports above this file, else under cwd. */
export function reportsDir(): string {
  const { STATS_REPORTS_DIR } = loadConfigPart(['STATS_REPORTS_DIR']);
  if (STATS_REPORTS_DIR) return path.resolve(STATS_REPORTS_DIR);
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'config', 'reports');
    if (fs.existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.resolve(process.cwd(), 'config', 'reports');
}

/**
 * Reads and validates every template file of a directory (.yaml, .yml, .json). Files whose name
 * starts with "_" are data beside the templates (the catalogue, stats-catalogue.ts), not templates.
 */
export function loadTemplates(dir: string): Map<string, ReportTemplate> {
  const out = new Map<string, ReportTemplate>();
  for (const f of fs.readdirSync(dir).sort()) {
    if (!/\.(ya?ml|json)$/.test(f) || f.startsWith('_')) continue;
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    const raw = f.endsWith('.json') ? JSON.parse(text) : load(text);
    const tpl = raw?.website ? normaliseWebsiteTemplate(raw) : normaliseTemplate(raw);
    if (out.has(tpl.id)) throw new Error(`duplicate report template id ${tpl.id} (${f})`);
    out.set(tpl.id, tpl);
  }
  return out;
}

/** The report templates, loaded once; a broken template stops the process at start-up. */
@Injectable()
export class TemplateRegistry {
  private readonly templates: Map<string, ReportTemplate>;

  constructor() {
    this.templates = loadTemplates(reportsDir());
  }

  list(): ReportTemplate[] {
    return [...this.templates.values()];
  }

  get(id: string): ReportTemplate {
    const t = this.templates.get(id);
    if (!t) throw AppError.notFound('报表模板', id);
    return t;
  }
}
