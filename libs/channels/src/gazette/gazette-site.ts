import type { FieldProblem } from '@app/common/errors/app-error';
import type { AccountSite } from '../channel-adapter';
import { parseGazetteSettings } from './gazette-settings';

/** A gazette folder name (settings.path): a plain name under PORTAL_DIR. */
export const GAZETTE_PATH = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/;
/** Names the root portal site uses for its own files. */
const RESERVED = new Set(['articles', 'columns', 'uploads', '_data', 'sites']);

/** Where a gazette account writes: its folder under PORTAL_DIR (settings.path, else gazette, as parseGazetteSettings reads it). */
export const GAZETTE_SITE: AccountSite = {
  field: 'settings.path',
  location: (a) => (typeof a.settings.path === 'string' && GAZETTE_PATH.test(a.settings.path) ? a.settings.path : 'gazette'),
};

/** What its schema cannot say: no directory setting, no folder the portal site uses, the nested settings as the schedule reads them. */
export function gazetteAccountProblems(settings: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  // The gazette resolves no directory setting: it is written under PORTAL_DIR at settings.path.
  if (settings.directory !== undefined)
    problems.push({ field: 'settings.directory', reason: '公报账号不能设置网站目录：公报写在门户目录下的“公报目录”（settings.path）中' });
  if (typeof settings.path === 'string' && RESERVED.has(settings.path.toLowerCase())) {
    problems.push({ field: 'settings.path', reason: `公报目录不能使用门户网站自用的名称（${[...RESERVED].join('、')}）` });
  }
  return [...problems, ...parseGazetteSettings(settings, '').problems];
}
