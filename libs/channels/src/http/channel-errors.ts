import { AppError } from '@app/common/errors/app-error';
import { ChannelError, PermanentError } from '../channel-adapter';

/**
 * Errors raised while preparing a delivery (media library, bad input) as the engine's typed outcomes:
 * an AppError (a picture that is not a picture, one that cannot be made small enough) will not get
 * better by retrying, so it is permanent, with its code and Chinese message kept.
 */
export function toChannelError(e: unknown): unknown {
  if (e instanceof ChannelError) return e;
  if (e instanceof AppError) return new PermanentError(e.code, e.message);
  return e;
}
