import type { DataSource } from 'typeorm';

/**
 * Fills an empty portal site with `count` live articles in bulk (one INSERT ... SELECT generate_series),
 * numbered 1..count, spread over `categories` in turn, as the writer would have numbered them; sets the
 * site's and the columns' counters. For integration tests and bench/scale/portal.ts; the site's files
 * are then written with a rebuild.
 */
export async function bulkPortalArticles(ds: DataSource, siteKey: string, baseUrl: string, count: number, categories: string[]): Promise<void> {
  await ds.query(
    `INSERT INTO portal_articles (site_key, item_id, version_no, withdrawn, article, seq, category, col_seq)
     SELECT $1, g.id, 1, false,
            jsonb_build_object(
              'snapshot', jsonb_build_object(
                'itemId', g.id, 'versionNo', 1, 'title', '批量公开信息第' || g.n || '号', 'bodyHtml', '<p>正文第' || g.n || '号，内容为示例。</p>',
                'summary', '', 'indexNo', 'bulk-' || lpad(g.n::text, 6, '0'), 'docNo', null, 'issuingBody', '示范县人民政府',
                'writtenDate', '2026-01-01', 'publishDate', '2026-01-02', 'category', g.category, 'disclosureAttr', '主动公开',
                'validity', '有效', 'repealedDate', null, 'kind', 'notice', 'policyItemId', null, 'attachments', '[]'::jsonb),
              'url', $2 || '/articles/' || g.id || '.html', 'path', 'articles/' || g.id || '.html',
              'publishedAt', to_char((timestamptz '2026-01-01 00:00:00+00' + g.n * interval '1 minute') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
              'withdrawn', false),
            g.n, g.category, (g.n - 1) / $4 + 1
       FROM (SELECT n, gen_random_uuid() AS id, ($3::text[])[((n - 1) % $4) + 1] AS category FROM generate_series(1, $5::int) AS n) g`,
    [siteKey, baseUrl, categories, categories.length, count],
  );
  await ds.query(`UPDATE portal_sites SET max_seq = $2 WHERE site_key = $1`, [siteKey, count]);
  await ds.query(
    `INSERT INTO portal_columns (site_key, category, max_col_seq, live_count)
     SELECT $1, category, max(col_seq), count(*) FROM portal_articles WHERE site_key = $1 GROUP BY category`,
    [siteKey],
  );
}
