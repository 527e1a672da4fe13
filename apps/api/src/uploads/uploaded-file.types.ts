// Pure TypeScript (no imports): the console (apps/console) uploads through POST /uploads with these.

/** image: JPEG/PNG/GIF/WebP only; attachment: documents, archives, plain text or images. */
export type UploadPurpose = 'image' | 'attachment';

/** What POST /uploads answers. */
export interface UploadedFileInfo {
  url: string;
  name: string;
  mime: string;
  size: number;
  kind: 'image' | 'document';
  width?: number;
  height?: number;
}
