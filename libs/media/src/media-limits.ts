/**
 * Largest image (width × height) the product accepts, in one place: the upload refuses above it and
 * the media layer refuses to decode above it, so nothing accepted at upload fails at submit.
 * A decompression-bomb guard: a tiny file may declare a gigantic canvas.
 */
export const MAX_INPUT_PIXELS = 50_000_000;
