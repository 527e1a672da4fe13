import { PermanentError } from '../channel-adapter';
import { parseWechatEvent, publishOutcome, readPublishInfo, verifyWechatSignature, wechatSignature } from './wechat-publish';

const EVENT = (event: string, status: number) => `<xml>
<ToUserName><![CDATA[gh_4d00ed8d6399]]></ToUserName>
<FromUserName><![CDATA[mphelper]]></FromUserName>
<CreateTime>1715000000</CreateTime>
<MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[${event}]]></Event>
<PublishEventInfo>
<publish_id>2247503051</publish_id>
<publish_status>${status}</publish_status>
${status === 0 ? '<article_id><![CDATA[b5O2OUs25HBxRceL7hfReg-U9QGeq9zQjiDvy]]></article_id><article_detail><count>1</count><item><idx>1</idx><article_url><![CDATA[http://mp.weixin.qq.com/s?__biz=MzI&mid=2247483658&idx=1&sn=xx#rd]]></article_url></item></article_detail>' : '<fail_idx>1</fail_idx><fail_idx>2</fail_idx>'}
</PublishEventInfo>
</xml>`;

describe('publish job results', () => {
  it('reads freepublish/get with a numeric or a string publish_id', () => {
    for (const id of [2247503051, '2247503051']) {
      const info = readPublishInfo({
        publish_id: id,
        publish_status: 0,
        article_id: 'A1',
        article_detail: { count: 1, item: [{ idx: 1, article_url: 'http://u' }] },
        fail_idx: [],
      });
      expect(info).toEqual({ publishId: '2247503051', status: 0, articleId: 'A1', items: [{ idx: 1, url: 'http://u' }], failIdx: [] });
      expect(publishOutcome(info)).toEqual({ status: 'published', externalId: 'A1', externalUrl: 'http://u' });
    }
    expect(publishOutcome(readPublishInfo({ publish_id: 1, publish_status: 1, fail_idx: [] }))).toEqual({ status: 'pending' });
  });

  it.each([2, 3, 4, 5, 6])('status %i fails permanently with the reason', (status) => {
    expect(() => publishOutcome(readPublishInfo({ publish_id: 1, publish_status: status, fail_idx: [1] }))).toThrow(PermanentError);
  });

  it.each(['PUBLISHJOBFINISH', 'FREEPUBLISHJOBFINISH'])('parses the %s event', (name) => {
    const ok = parseWechatEvent(EVENT(name, 0));
    expect(ok.event).toBe(name);
    expect(ok.toUser).toBe('gh_4d00ed8d6399');
    expect(ok.info).toEqual({
      publishId: '2247503051',
      status: 0,
      articleId: 'b5O2OUs25HBxRceL7hfReg-U9QGeq9zQjiDvy',
      items: [{ idx: 1, url: 'http://mp.weixin.qq.com/s?__biz=MzI&mid=2247483658&idx=1&sn=xx#rd' }],
      failIdx: [],
    });
    const failed = parseWechatEvent(EVENT(name, 4));
    expect(failed.info?.failIdx).toEqual([1, 2]);
    expect(() => publishOutcome(failed.info!)).toThrow('平台审核不通过');
  });

  it('refuses encrypted events and non-WeChat bodies', () => {
    expect(() => parseWechatEvent('<xml><ToUserName>x</ToUserName><Encrypt><![CDATA[abc]]></Encrypt></xml>')).toThrow(/encrypted/);
    expect(() => parseWechatEvent('{"a":1}')).toThrow();
  });
});

describe('signature', () => {
  it('is sha1 of the sorted token, timestamp and nonce', () => {
    // the platform's documented algorithm, computed independently
    const expected = require('crypto').createHash('sha1').update(['1714000000', '39188', 'mytoken'].sort().join('')).digest('hex');
    expect(wechatSignature('mytoken', '1714000000', '39188')).toBe(expected);
    expect(verifyWechatSignature('mytoken', { signature: expected, timestamp: '1714000000', nonce: '39188' })).toBe(true);
    expect(verifyWechatSignature('other', { signature: expected, timestamp: '1714000000', nonce: '39188' })).toBe(false);
    expect(verifyWechatSignature('mytoken', { timestamp: '1714000000', nonce: '39188' })).toBe(false);
  });
});
