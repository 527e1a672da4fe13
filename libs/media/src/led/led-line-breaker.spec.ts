import { MeasuredText, breakLines, tokenise } from './led-line-breaker';

/** A fake font: wide characters 16 px, everything else 8 px; ink height 16. */
const mono =
  (maxWidth: number) =>
  async (text: string): Promise<MeasuredText | null> => {
    const width = Array.from(text).reduce((w, ch) => w + (/[\u0000-\u00ff]/.test(ch) ? 8 : 16), 0);
    return width <= maxWidth ? { text, width, height: 16, fontSize: 16, mask: Buffer.alloc(0) } : null;
  };
const tooSmall = (ch: string) => new Error(`too small for ${ch}`);

describe('tokenise', () => {
  it('keeps Latin words and numbers whole and splits Chinese per character', () => {
    expect(tokenise('办事指南 Guide 2024')).toEqual([['办', '事', '指', '南', ' ', 'Guide', ' ', '2024']]);
  });

  it('glues closing punctuation to the character before it and opening punctuation to the one after', () => {
    expect(tokenise('请取号，排队。《通知》（试行）')).toEqual([['请', '取', '号，', '排', '队。', '《通', '知》', '（试', '行）']]);
  });

  it('splits paragraphs on line breaks and collapses spaces', () => {
    expect(tokenise('第一行\r\n\n  第二  行 ')).toEqual([
      ['第', '一', '行'],
      ['第', '二', ' ', '行'],
    ]);
  });
});

describe('breakLines', () => {
  it('fills each line greedily with whole characters', async () => {
    const lines = await breakLines('欢迎来到政务服务大厅', 64, 16, mono(64), tooSmall);
    expect(lines.map((l) => l.text)).toEqual(['欢迎来到', '政务服务', '大厅']);
  });

  it('never starts a line with closing punctuation', async () => {
    const lines = await breakLines('请您取号排队。谢谢配合，祝您办事顺利！', 64, 16, mono(64), tooSmall);
    for (const l of lines) expect(l.text).not.toMatch(/^[，。！]/);
    expect(lines.map((l) => l.text).join('')).toBe('请您取号排队。谢谢配合，祝您办事顺利！');
  });

  it('moves a Latin word to the next line instead of cutting it, and cuts only a word wider than a line', async () => {
    const lines = await breakLines('办理 passport 和 https://example.gov.cn', 64, 16, mono(64), tooSmall);
    expect(lines.map((l) => l.text)).toEqual(['办理', 'passport', '和', 'https://', 'example.', 'gov.cn']);
  });

  it('reports a character that fits no line', async () => {
    await expect(breakLines('国', 10, 16, mono(10), tooSmall)).rejects.toThrow('too small for 国');
  });
});
