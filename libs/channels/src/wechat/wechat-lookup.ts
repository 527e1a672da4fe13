import type { WechatClient } from './wechat-client';
import type { WechatFields } from './wechat-fields';

// Looking our own publication up after an answer was lost (reconcile): the account's publication list and drafts.

/** Our article in the account's publication list (newest first), by its 阅读原文 URL and title. */
export async function findPublished(
  client: WechatClient,
  portalUrl: string,
  fields: WechatFields,
  since: number,
): Promise<{ articleId: string; url: string } | null> {
  const earliest = since - 10 * 60_000;
  for (let page = 0; page < 5; page++) {
    const res = await client.call('freepublish/batchget', '/cgi-bin/freepublish/batchget', {
      json: { offset: page * 20, count: 20, no_content: 1 },
      effect: 'read',
    });
    const items: any[] = Array.isArray(res?.item) ? res.item : [];
    for (const it of items) {
      const updated = Number(it.update_time ?? it.content?.update_time ?? 0) * 1000;
      if (updated && updated < earliest) continue;
      const news: any[] = Array.isArray(it.content?.news_item) ? it.content.news_item : [];
      const n = news.find((x) => x?.content_source_url === portalUrl && x?.title === fields.title && !x?.is_deleted);
      if (n) return { articleId: String(it.article_id), url: String(n.url ?? '') };
    }
    const oldest = Math.min(...items.map((it) => Number(it.update_time ?? 0) * 1000));
    if (items.length < 20 || oldest < earliest) break;
  }
  return null;
}

/**
 * A draft whose draft/add answer was lost. draft/batchget is not available everywhere (the
 * simulator does not serve it): then the draft is simply made again; an unused draft is not a
 * publication.
 */
export async function findDraft(client: WechatClient, portalUrl: string, fields: WechatFields, since: number): Promise<string | null> {
  try {
    const res = await client.call('draft/batchget', '/cgi-bin/draft/batchget', { json: { offset: 0, count: 20, no_content: 1 }, effect: 'read' });
    for (const it of Array.isArray(res?.item) ? res.item : []) {
      const updated = Number(it.update_time ?? 0) * 1000;
      const news: any[] = Array.isArray(it.content?.news_item) ? it.content.news_item : [];
      if ((!updated || updated >= since - 10 * 60_000) && news.some((x) => x?.content_source_url === portalUrl && x?.title === fields.title))
        return String(it.media_id);
    }
  } catch {
    // not served here: fall through and create the draft again
  }
  return null;
}
