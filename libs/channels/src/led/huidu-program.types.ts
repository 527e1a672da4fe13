// Pure TypeScript (no imports): the Huidu program JSON (CHANNELS.md) that led-program.ts builds, the
// controller is given and GET led/screens/:id shows, so the console (apps/console) can import it too.

/** Huidu text effect: type 0..30 (0 = show at once), speed 0..8, hold in milliseconds. */
export interface LedEffect {
  type: number;
  speed: number;
  hold: number;
}

/** A text item of a Huidu program: one page of the entry's text. */
export interface HuiduTextItem {
  type: 'text';
  string: string;
  multiLine: boolean;
  alignment: 'left' | 'center' | 'right';
  font: { name: string; size: number; color: string };
  effect: LedEffect;
}

export interface HuiduPlayControl {
  duration: string;
  week?: { enable: string };
  date?: { start: string; end: string }[];
  time?: { start: string; end: string }[];
}

export interface HuiduProgram {
  name: string;
  type: 'normal';
  uuid: string;
  playControl: HuiduPlayControl;
  area: { x: number; y: number; width: number; height: number; item: HuiduTextItem[] }[];
}
