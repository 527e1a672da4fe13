import { parseWeiboDate, withoutUrls } from './weibo-text';

/**
 * statuses/user_timeline returns the authorised user's latest 5 posts and no more ("此接口最多只返回最新的
 * 5条数据", open.weibo.com/wiki/2/statuses/user_timeline; PLATFORM.md). Asking for more changes nothing.
 */
export const WEIBO_TIMELINE_MAX = 5;

/** Clock difference allowed between us and Weibo when comparing our attempt with a post's created_at. */
export const WEIBO_CLOCK_SKEW_MS = 120_000;

/**
 * How long Weibo may take to show a post it made: 20032 asks to "wait 1-2 minutes" (open.weibo.com/wiki/Error_code).
 * Until then a post missing from the timeline proves nothing. Account setting `visibleWithinMs` (a
 * simulator that shows posts at once may lower it; never lower it for the real platform).
 */
export const WEIBO_VISIBLE_WITHIN_MS = 150_000;

export interface PostRef {
  id: string;
  uid: string;
}

/** What the latest posts say about ours. */
export type TimelineVerdict =
  /** our post, created since our first attempt */
  | { kind: 'found'; post: PostRef }
  /**
   * Not there, and the posts shown reach back before our first attempt: every post made since then is
   * shown, so ours was not made (once Weibo had time to show it).
   */
  | { kind: 'absent' }
  /** Not there, and the posts shown do not reach back that far: ours may be among those hidden. */
  | { kind: 'hidden'; shown: number };

/**
 * Reads the timeline answer. Our post: the same text once links are left out (Weibo shows every link as a
 * t.cn short link, so neither the text as sent nor the portal URL comes back), created since our first
 * attempt (less the clock skew). A post from before that is somebody else's, or an earlier version's.
 */
export function judgeTimeline(statuses: unknown[], text: string, since: number): TimelineVerdict {
  const bare = withoutUrls(text);
  let reachesBack = false;
  for (const raw of statuses) {
    const s = (raw ?? {}) as Record<string, any>;
    const created = parseWeiboDate(s.created_at);
    const same = String(s.text ?? '') === text || (bare.length > 0 && withoutUrls(String(s.text ?? '')) === bare);
    if (same && (Number.isNaN(created) || Number.isNaN(since) || created >= since - WEIBO_CLOCK_SKEW_MS)) {
      return { kind: 'found', post: { id: String(s.idstr ?? s.id), uid: String(s.user?.idstr ?? s.user?.id ?? '') } };
    }
    if (!Number.isNaN(created) && !Number.isNaN(since) && created < since - WEIBO_CLOCK_SKEW_MS) reachesBack = true;
  }
  return reachesBack ? { kind: 'absent' } : { kind: 'hidden', shown: statuses.length };
}
