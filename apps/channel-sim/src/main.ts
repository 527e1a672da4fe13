import { loadConfigPart } from '@app/common/config/app-config';
import { componentLogger } from '@app/common/logging/logger';
import { startChannelSim } from './channel-sim';

/** Standalone simulators: CHANNEL_SIM_PORT (default 3100), CHANNEL_SIM_HOST (default 127.0.0.1). */
async function main() {
  const logger = componentLogger('channel-sim');
  const cfg = loadConfigPart(['CHANNEL_SIM_PORT', 'CHANNEL_SIM_HOST', 'CHANNEL_SIM_PUBLIC_URL']);
  const sim = await startChannelSim({
    port: cfg.CHANNEL_SIM_PORT,
    host: cfg.CHANNEL_SIM_HOST,
    publicUrl: cfg.CHANNEL_SIM_PUBLIC_URL,
    log: (m) => logger.info(m),
  });
  const lines = [
    `channel-sim listening on ${sim.url}`,
    ...Object.entries(sim.baseUrls).map(([k, v]) => `  ${k.padEnd(9)} ${v}`),
    `  control   ${sim.url}/_sim  (records: ${sim.url}/_sim/records)`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  const stop = async () => {
    await sim.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((e) => {
  process.stderr.write(`channel-sim failed to start: ${String(e?.stack ?? e)}\n`);
  process.exit(1);
});
