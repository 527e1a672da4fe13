// The one body sanitiser lives in libs/domain (the site import in the worker sanitises bodies too).
export { sanitizeBody } from '@app/domain/body/body-sanitizer';
