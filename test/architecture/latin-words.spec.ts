import { latinWords } from '../console/latin-words';

/** The allow-list of the Chinese-only rule (issue 15.9): what is let through, and that the rest is still caught. */
describe('latinWords', () => {
  it('lets through what Chinese interfaces write in Latin letters themselves', () => {
    expect(latinWords('robots.txt 不允许抓取此页面')).toEqual([]);
    expect(latinWords('图片无法导入：无法获取（HTTP 404）：http://127.0.0.1:8080/images/a.jpg')).toEqual([]);
    expect(latinWords('来源地址须以 http:// 或 https:// 开头')).toEqual([]);
    expect(latinWords('本系统服务器的出口 IP 不在公众号的 IP白名单中')).toEqual([]);
    expect(latinWords('导出 XLSX，附件 PDF 1.2 MB')).toEqual([]);
  });

  it('still finds interface names, English words and identifiers not passed in', () => {
    expect(latinWords('使用 stable_token 获取凭据')).toEqual(['stable_token']);
    expect(latinWords('发布接口（freepublish）可用')).toEqual(['freepublish']);
    expect(latinWords('robots 协议 Loading')).toEqual(['robots', 'Loading']);
    expect(latinWords('用户 web-u1 已导入')).toEqual(['web-u1']);
    expect(latinWords('用户 web-u1 已导入', ['web-u1'])).toEqual([]);
  });
});
