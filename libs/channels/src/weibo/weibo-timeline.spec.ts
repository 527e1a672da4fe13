import { judgeTimeline, WEIBO_CLOCK_SKEW_MS } from './weibo-timeline';

/** created_at as Weibo writes it, in Beijing time */
function at(ms: number): string {
  const d = new Date(ms + 8 * 3600_000);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0800 ${d.getUTCFullYear()}`;
}

const TEXT = '【关于调整公交线路的通告】线路调整 http://127.0.0.1:4000/site/articles/i1.html';
const since = Date.UTC(2025, 2, 12, 3, 0, 0);
const post = (id: number, text: string, ms: number) => ({ id, idstr: String(id), text, created_at: at(ms), user: { id: 7, idstr: '7' } });

describe('judgeTimeline (the latest 5 posts)', () => {
  it('finds our post by its text with the links shortened', () => {
    const v = judgeTimeline([post(3, '别的', since + 5000), post(2, '【关于调整公交线路的通告】线路调整 http://t.cn/Rabc123', since + 1000)], TEXT, since);
    expect(v).toEqual({ kind: 'found', post: { id: '2', uid: '7' } });
  });

  it('a post with our text from before our first attempt is not ours', () => {
    const v = judgeTimeline([post(1, '【关于调整公交线路的通告】线路调整 http://t.cn/Rabc123', since - WEIBO_CLOCK_SKEW_MS - 60_000)], TEXT, since);
    expect(v).toEqual({ kind: 'absent' });
  });

  it('absent only when the posts shown reach back before our first attempt', () => {
    const older = post(1, '昨天的', since - 3600_000);
    expect(judgeTimeline([post(2, '新的', since + 1000), older], TEXT, since)).toEqual({ kind: 'absent' });
  });

  it('five newer posts (or none at all) prove nothing: hidden', () => {
    const newer = [6, 5, 4, 3, 2].map((i) => post(i, `便民提示${i}`, since + i * 1000));
    expect(judgeTimeline(newer, TEXT, since)).toEqual({ kind: 'hidden', shown: 5 });
    expect(judgeTimeline([], TEXT, since)).toEqual({ kind: 'hidden', shown: 0 });
    // within the clock skew a post may be newer or older than ours: no proof either
    expect(judgeTimeline([post(1, '差不多同时', since - 60_000)], TEXT, since)).toEqual({ kind: 'hidden', shown: 1 });
  });
});
