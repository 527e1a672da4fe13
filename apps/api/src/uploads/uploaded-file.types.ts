// Pure TypeScript (no imports): the console (apps/console) uploads through POST /uploads with these.

/** image: JPEG/PNG/GIF/WebP only; attachment: documents, archives, plain text or images. */
export type UploadPurpose = 'image' | 'attachment';

/** What POST /uploads answers. */
export interface UploadedFileInfo {
  /** The private URL /api/v1/uploads/<key>: signed-in users who may see it; public only once published to the portal. */
  url: string;
  name: string;
  mime: string;
  size: number;
  kind: 'image' | 'document';
  width?: number;
  height?: number;
}
