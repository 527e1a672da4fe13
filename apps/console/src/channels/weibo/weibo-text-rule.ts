import { weiboLength } from '../../lib/text';
import type { LengthRule } from '../text-length';

/** Weibo counts a CJK character as 1 and two Latin ones as 1 (the adapter's own function, bundled from libs). */
export const WEIBO_LENGTH_RULE: LengthRule = { count: weiboLength, note: '（汉字计1，两个英文字符计1）' };
