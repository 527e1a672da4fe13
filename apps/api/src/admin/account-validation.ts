import type { FieldProblem } from '@app/common/errors/app-error';
import type { ChannelAdapter } from '@app/channels/channel-adapter';
import { fieldProblems, firstPerField } from '@app/channels/channel-adapter-fields';

type Values = Record<string, unknown>;

export interface AccountInput {
  channelType: string;
  /** The settings as they will be stored. */
  settings: Values;
  /** The credentials as they will be stored (after merging), or undefined when they are not being changed. */
  credentials?: Values;
  /** Stored values: unchanged ones are not checked again (an account saved before a rule can still be renamed). */
  prevSettings?: Values;
  prevCredentials?: Values;
}

/**
 * Everything wrong with an account about to be saved, one problem per field: first the adapter's
 * declared schemas (required, kind, pattern, options, bounds; reasons in Chinese), then the adapter's
 * own rules a schema cannot say (accountProblems).
 */
export function accountProblems(adapter: ChannelAdapter, a: AccountInput): FieldProblem[] {
  const caps = adapter.capabilities;
  const problems = [...fieldProblems(caps.settingsSchema, a.settings, { prefix: 'settings', prev: a.prevSettings })];
  if (a.credentials !== undefined) {
    problems.push(...fieldProblems(caps.credentialsSchema, a.credentials, { prefix: 'credentials', prev: a.prevCredentials, context: a.settings }));
  }
  const settingsChanged = !a.prevSettings || JSON.stringify(a.settings) !== JSON.stringify(a.prevSettings);
  const own = adapter.accountProblems?.(settingsChanged ? a.settings : {}, a.credentials) ?? [];
  // as with the schemas, a setting that does not change is not judged again
  problems.push(
    ...own.filter((p) => !a.prevSettings || !/^settings\./.test(p.field) || !unchanged(p.field.slice('settings.'.length), a.settings, a.prevSettings)),
  );
  return firstPerField(problems);
}

/** Whether the top-level setting a field path names (sections[0].title → sections) keeps its stored value. */
function unchanged(path: string, next: Values, prev: Values): boolean {
  const key = path.split(/[.[]/)[0];
  return JSON.stringify(next[key]) === JSON.stringify(prev[key]);
}

/**
 * Credentials of an update: the keys given replace the stored ones, a key given as null or '' is
 * removed, the others are kept (the console leaves a secret it does not show empty: 留空则不修改).
 * `replace`: nothing stored is kept (the account moves to another outside system).
 */
export function mergeCredentials(stored: Values, given: Values, replace: boolean): Values {
  const out: Values = replace ? {} : { ...stored };
  for (const [k, v] of Object.entries(given)) {
    if (v === null || v === '') delete out[k];
    else out[k] = v;
  }
  return out;
}
