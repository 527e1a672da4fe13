import * as http from 'http';
import type { AddressInfo } from 'net';
import { PermanentError } from '../channel-adapter';
import { loadImageBytes } from './image-source';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe('loadImageBytes: where an item’s images may be read from', () => {
  let server: http.Server;
  let origin: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/site/uploads/a.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(PNG);
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  const refusal = async (p: Promise<unknown>) => {
    const e = await p.then(
      () => null,
      (err) => err,
    );
    expect(e).toBeInstanceOf(PermanentError);
    return e as PermanentError;
  };

  it('reads uploads on the portal’s own site, relative or absolute, even on an internal address', async () => {
    const page = `${origin}/site/articles/x.html`;
    expect(await loadImageBytes('../uploads/a.png', page)).toEqual(PNG);
    expect(await loadImageBytes(`${origin}/site/uploads/a.png`, page)).toEqual(PNG);
    const missing = await refusal(loadImageBytes('../uploads/none.png', page));
    expect(missing.code).toBe('IMAGE_NOT_FOUND');
  });

  it('refuses addresses elsewhere that lead into the internal network, before connecting', async () => {
    const page = 'https://www.example.gov.cn/site/articles/x.html';
    for (const src of [
      `${origin}/site/uploads/a.png`,
      'http://10.0.0.5/a.png',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/a.png',
      'http://192.168.1.1/a.png',
    ]) {
      const e = await refusal(loadImageBytes(src, page));
      expect(e.code).toBe('IMAGE_URL_REFUSED');
      expect(e.message).toContain('内部网络');
    }
  });

  it('still takes data: URLs and refuses other schemes', async () => {
    expect(await loadImageBytes(`data:image/png;base64,${PNG.toString('base64')}`, 'https://www.example.gov.cn/')).toEqual(PNG);
    expect((await refusal(loadImageBytes('file:///etc/passwd', 'https://www.example.gov.cn/'))).code).toBe('IMAGE_URL_SCHEME');
  });
});
