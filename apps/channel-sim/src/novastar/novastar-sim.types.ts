import type { NovastarPage } from './novastar-check';

// The NovaStar simulator's settings and players (sources: novastar.sim.ts's header and
// libs/channels/src/led/NOVASTAR.md). Declarations only; the behaviour is in novastar.sim.ts and novastar-sim-*.ts.

export interface NovastarConfig {
  maxCurTimeSkewSec: number;
}

export const NOVASTAR_DEFAULTS: NovastarConfig = { maxCurTimeSkewSec: 300 };

export interface NovastarPlayerInput {
  playerId: string;
  name?: string;
  sn?: string;
  online?: boolean;
}

export interface Job {
  pages: NovastarPage[];
  record: number;
  acceptedAt: number;
}

export interface Emergency {
  page: NovastarPage;
  until: number;
  normalProgramStatus: string;
  record: number;
}

export interface Player {
  playerId: string;
  name: string;
  sn: string;
  online: boolean;
  lastOnlineTime: number;
  /** the normal program on the player */
  normal?: Job;
  /** accepted by the cloud while the player was offline; downloaded when it comes back */
  pendingNormal?: Job;
  emergency?: Emergency;
  pendingEmergency?: Emergency;
}

export interface NovastarShowing {
  mode: 'normal' | 'emergency' | 'none';
  urls: string[];
  normalPaused: boolean;
  pending: boolean;
}
