import { massEventOutcome, parseMassEvent } from './wechat-mass-event';

// The live capture recorded in PLATFORM.md §1.6 (community doc 00000c2a54c2a83059ecb9ba056c00).
const live = `<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[mphelper]]></FromUserName><CreateTime>1650896441</CreateTime>
<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[MASSSENDJOBFINISH]]></Event>
<MsgID>1000000003</MsgID><Status><![CDATA[send success]]></Status>
<TotalCount>4</TotalCount><FilterCount>4</FilterCount><SentCount>4</SentCount><ErrorCount>0</ErrorCount>
<CopyrightCheckResult><Count>0</Count><ResultList></ResultList><CheckState>0</CheckState></CopyrightCheckResult>
<ArticleUrlResult><Count>1</Count><ResultList><item><ArticleIdx>1</ArticleIdx>
<ArticleUrl><![CDATA[http://mp.weixin.qq.com/s/8yzT20EvmDg37Jso9nsIIw]]></ArticleUrl></item></ResultList></ArticleUrlResult></xml>`;

describe('MASSSENDJOBFINISH', () => {
  it('parses the live capture (MsgID) and confirms with the article URL', () => {
    const e = parseMassEvent(live)!;
    expect(e).toMatchObject({
      msgId: '1000000003',
      status: 'send success',
      totalCount: 4,
      sentCount: 4,
      errorCount: 0,
      urls: [{ idx: 1, url: 'http://mp.weixin.qq.com/s/8yzT20EvmDg37Jso9nsIIw' }],
    });
    expect(massEventOutcome(e)).toEqual({ status: 'published', externalId: '1000000003', externalUrl: 'http://mp.weixin.qq.com/s/8yzT20EvmDg37Jso9nsIIw' });
  });

  it('reads <MsgId> too, an empty ArticleUrlResult, and failures', () => {
    const sdk = live.replace(/MsgID/g, 'MsgId').replace(/<ArticleUrlResult>[\s\S]*<\/ArticleUrlResult>/, '<ArticleUrlResult>\n\n</ArticleUrlResult>');
    const e = parseMassEvent(sdk)!;
    expect(e.msgId).toBe('1000000003');
    expect(massEventOutcome(e)).toEqual({ status: 'published', externalId: '1000000003', externalUrl: null });
    expect(massEventOutcome({ ...e, status: 'err(20013)' })).toMatchObject({
      status: 'failed',
      code: 'WECHAT_MASS_ERR_20013',
      message: expect.stringContaining('涉嫌版权'),
    });
    expect(massEventOutcome({ ...e, status: 'err(20431)' })).toMatchObject({ status: 'failed', code: 'WECHAT_MASS_ERR_20431' });
    expect(massEventOutcome({ ...e, status: 'send fail' })).toMatchObject({ status: 'failed', code: 'WECHAT_MASS_SEND_FAIL' });
    expect(parseMassEvent(live.replace('MASSSENDJOBFINISH', 'PUBLISHJOBFINISH'))).toBeNull();
  });
});
