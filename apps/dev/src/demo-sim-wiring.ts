import axios from 'axios';
import { DataSource } from 'typeorm';
import { SecretBox } from '@app/common/crypto/secret-box';

/**
 * For the demo: tells the WeChat simulator where our callback endpoint is for each demo WeChat account,
 * as an operator would configure the official account's server URL in the WeChat admin console, so
 * publications are confirmed by the PUBLISHJOBFINISH push as well as by polling.
 */
export async function registerDemoWechatCallbacks(ds: DataSource, encryptionKey: string, simUrl: string, apiBase: string): Promise<number> {
  const box = new SecretBox(encryptionKey);
  const rows: { id: string; credentials_enc: string | null }[] = await ds.query(
    `SELECT id, credentials_enc FROM channel_accounts WHERE channel_type = 'wechat' AND base_url LIKE $1`,
    [`${simUrl}%`],
  );
  let n = 0;
  for (const r of rows) {
    if (!r.credentials_enc) continue;
    const { appid, secret, callbackToken } = box.openJson<{ appid?: string; secret?: string; callbackToken?: string }>(r.credentials_enc);
    // The api refuses unsigned callbacks (the real platform always signs with the account's Token).
    if (!appid || !callbackToken) continue;
    await axios.post(
      `${simUrl}/_sim/wechat/accounts`,
      { appid, secret, callbackToken, callbackUrl: `${apiBase}/api/v1/callbacks/wechat/${r.id}` },
      { proxy: false },
    );
    n++;
  }
  return n;
}
