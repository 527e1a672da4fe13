import type { HuiduProgramSummary } from './huidu-program';

// The Huidu simulator's settings and devices (sources: huidu.sim.ts's header, CHANNELS.md and
// libs/channels/src/led/). Declarations only; the behaviour is in huidu.sim.ts and huidu-sim-*.ts.

export interface HuiduConfig {
  /** how far the `date` header may be from the simulated clock */
  maxDateSkewMs: number;
  /** unknown device ids are created on first use with the default size; false: they fail */
  acceptUnknownDevices: boolean;
  defaultWidth: number;
  defaultHeight: number;
}

export const HUIDU_DEFAULTS: HuiduConfig = {
  maxDateSkewMs: 5 * 60 * 1000,
  acceptUnknownDevices: false,
  defaultWidth: 128,
  defaultHeight: 32,
};

export interface HuiduDeviceInput {
  id: string;
  width: number;
  height: number;
  name?: string;
  online?: boolean;
}

export interface StoredProgram {
  program: Record<string, unknown>;
  summary: HuiduProgramSummary;
  updatedAt: string;
}

export interface Device {
  id: string;
  name: string;
  width: number;
  height: number;
  online: boolean;
  programs: Map<string, StoredProgram>;
}

/** the program methods the SDK knows */
export const METHODS = ['append', 'remove', 'update', 'replace', 'getAll'];
