/** A rectangle in whole pixels, as sharp's extract() takes it. */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Point of interest in normalised coordinates (0..1 from the top-left); crops stay centred on it. */
export interface Focus {
  x: number;
  y: number;
}

export const CENTRE: Focus = { x: 0.5, y: 0.5 };

/** The largest region of the given aspect (width / height) inside the image, centred on the focus. */
export function aspectCrop(width: number, height: number, aspect: number, focus: Focus = CENTRE): Region {
  let cw = width;
  let ch = Math.round(width / aspect);
  if (ch > height) {
    ch = height;
    cw = Math.min(width, Math.round(height * aspect));
  }
  cw = Math.max(1, cw);
  ch = Math.max(1, ch);
  const left = clamp(Math.round(clamp01(focus.x) * width - cw / 2), 0, width - cw);
  const top = clamp(Math.round(clamp01(focus.y) * height - ch / 2), 0, height - ch);
  return { left, top, width: cw, height: ch };
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

export function clamp01(v: number): number {
  return Number.isFinite(v) ? clamp(v, 0, 1) : 0.5;
}
