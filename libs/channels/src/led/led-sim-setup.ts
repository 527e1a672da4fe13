import axios from 'axios';
import * as fs from 'fs';
import * as path from 'path';

interface DemoAccount {
  channelType: string;
  baseUrl: string;
  settings?: Record<string, any>;
  credentials?: Record<string, any>;
}

/**
 * For the demo (`npm start`): tells the Huidu simulator about the demo LED screens of
 * config/demo-accounts.json — their sdkKey / sdkSecret and their device ids with the screen size —
 * through its control API (`${simUrl}/_sim/huidu`), as an installer would configure a real controller;
 * and the NovaStar screens' VNNOX app key and players (`${simUrl}/_sim/novastar`).
 * Returns how many screens were registered.
 */
export async function registerDemoLedScreens(simUrl: string, accountsFile = path.resolve('config/demo-accounts.json')): Promise<number> {
  const specs: DemoAccount[] = JSON.parse(fs.readFileSync(accountsFile, 'utf8'));
  let n = 0;
  for (const s of specs) {
    if (s.channelType !== 'led' || !s.baseUrl.includes('{simUrl}')) continue;
    if (s.settings?.protocol === 'novastar') {
      // A VNNOX account (AppKey/AppSecret) with its Taurus players bound, as NovaStar's onboarding provides.
      const ns = `${simUrl.replace(/\/+$/, '')}/_sim/novastar`;
      await axios.post(`${ns}/apps`, { appKey: s.credentials?.appKey, appSecret: s.credentials?.appSecret }, { proxy: false });
      for (const playerId of s.settings.playerIds ?? []) await axios.post(`${ns}/players`, { playerId, name: s.settings.location }, { proxy: false });
      n++;
      continue;
    }
    if (s.settings?.protocol !== 'huidu') continue;
    const control = `${simUrl.replace(/\/+$/, '')}/_sim/huidu`;
    await axios.post(`${control}/keys`, { sdkKey: s.credentials?.sdkKey, sdkSecret: s.credentials?.sdkSecret }, { proxy: false });
    await axios.post(
      `${control}/devices`,
      { id: s.settings.deviceId, width: s.settings.width, height: s.settings.height, name: s.settings.location },
      { proxy: false },
    );
    n++;
  }
  return n;
}
