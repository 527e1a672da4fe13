import { portalStaticHeaders } from './portal-static-headers';

describe('portalStaticHeaders', () => {
  const headers = (file: string) => {
    const h: Record<string, string> = {};
    portalStaticHeaders({ setHeader: (k: string, v: string) => (h[k] = v) }, file);
    return h;
  };
  it('never lets a browser sniff, and downloads published documents instead of rendering them', () => {
    expect(headers('/srv/portal/articles/a.html')).toEqual({ 'X-Content-Type-Options': 'nosniff' });
    expect(headers('/srv/portal/uploads/2026/01/abc.png')).toEqual({ 'X-Content-Type-Options': 'nosniff' });
    expect(headers('/srv/portal/uploads/2026/01/abc.docx')).toEqual({ 'X-Content-Type-Options': 'nosniff', 'Content-Disposition': 'attachment' });
    expect(headers('/srv/portal/sites/jyj/uploads/2026/01/abc.txt')).toEqual({ 'X-Content-Type-Options': 'nosniff', 'Content-Disposition': 'attachment' });
  });
});
