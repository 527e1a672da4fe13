import type { Request, Response } from 'express';
import { ImageType, imageMime, sniffImage } from '../http/image-type';
import { getBody, randomToken } from '../http/sim-http';
import { wechatError } from './wechat-errors';
import { Account, IMAGE_MAX, StoredImage, THUMB_MAX, UPLOADIMG_MAX, WechatSimState } from './wechat-sim.types';

// The WeChat simulator's images: media/uploadimg (images inside article bodies), material/add_material
// (permanent thumb / image material) and the bytes behind their mmbiz URLs.

function storeImage(s: WechatSimState, appid: string, bytes: Buffer, type: ImageType, kind: StoredImage['kind']): StoredImage {
  const id = randomToken(18);
  const img: StoredImage = { id, appid, bytes: Buffer.from(bytes), type, kind, url: `http://mmbiz.qpic.cn/sim/${id}` };
  s.images.set(id, img);
  return img;
}

export function uploadImg(s: WechatSimState, a: Account, req: Request, res: Response): void {
  const file = getBody(req).files.media;
  if (!file || file.data.length === 0) {
    res.json(wechatError(41005));
    return;
  }
  const type = sniffImage(file.data);
  if (type !== 'jpeg' && type !== 'png') {
    res.json(wechatError(40005));
    return;
  }
  if (file.data.length > UPLOADIMG_MAX) {
    res.json(wechatError(40009));
    return;
  }
  const img = storeImage(s, a.appid, file.data, type, 'uploadimg');
  res.json({ url: img.url });
}

export function addMaterial(s: WechatSimState, a: Account, req: Request, res: Response): void {
  const kind = req.query.type;
  if (kind !== 'thumb' && kind !== 'image') {
    res.json(wechatError(40004));
    return;
  }
  const file = getBody(req).files.media;
  if (!file || file.data.length === 0) {
    res.json(wechatError(41005));
    return;
  }
  const type = sniffImage(file.data);
  const allowed: (ImageType | undefined)[] = kind === 'thumb' ? ['jpeg'] : ['jpeg', 'png', 'gif', 'bmp'];
  if (!allowed.includes(type) || !type) {
    res.json(wechatError(40005));
    return;
  }
  if (file.data.length > (kind === 'thumb' ? THUMB_MAX : IMAGE_MAX)) {
    res.json(wechatError(40009));
    return;
  }
  const img = storeImage(s, a.appid, file.data, type, kind);
  img.mediaId = randomToken(48);
  s.materials.set(img.mediaId, img);
  res.json({ media_id: img.mediaId, url: img.url, item: [] });
}

export function serveImage(s: WechatSimState, id: string, res: Response): void {
  const img = s.images.get(id);
  if (!img) {
    res.status(404).end();
    return;
  }
  res.type(imageMime(img.type)).send(img.bytes);
}
