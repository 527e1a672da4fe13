import { charCount } from '../lib/text';
import { WEIBO_LENGTH_RULE } from './weibo/weibo-text-rule';

/** How a platform counts text (ChannelField.lengthRule, ChannelCapabilities.limits.textLengthRule). */
export interface LengthRule {
  count(text: string): number;
  /** Chinese, shown beside a count made this way. */
  note: string;
}

/** Named length rules, one line each; a rule no channel here knows counts plain characters. */
const LENGTH_RULES: Record<string, LengthRule> = {
  weibo: WEIBO_LENGTH_RULE,
};

/** The length of `text` as the rule counts it (plain characters without one). */
export function lengthOf(rule: string | undefined, text: string): number {
  const r = rule ? LENGTH_RULES[rule] : undefined;
  return r ? r.count(text) : charCount(text);
}

/** What to say beside a count made by the rule ('' for plain characters). */
export function lengthNote(rule: string | undefined): string {
  return (rule && LENGTH_RULES[rule]?.note) || '';
}
