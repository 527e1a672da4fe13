import * as path from 'path';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp']);

/**
 * Headers for whatever serves PORTAL_DIR (express.static's `setHeaders` in the api, or the same rules in
 * a production web server): never sniff a type, and hand every published upload that is not an image
 * over as a download, so a document is never rendered as a page of the government site.
 */
export function portalStaticHeaders(res: { setHeader(name: string, value: string): unknown }, filePath: string): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const parts = filePath.split(/[\\/]/);
  if (parts.includes('uploads') && !IMAGE_EXT.has(path.extname(filePath).toLowerCase())) res.setHeader('Content-Disposition', 'attachment');
}
