import { PortalAdapter } from './portal/portal.adapter';

/**
 * Every channel adapter class, one line each. Adding a channel = one adapter folder + one line here;
 * nothing else in the generic code changes.
 */
export const ADAPTER_CLASSES: any[] = [PortalAdapter];
