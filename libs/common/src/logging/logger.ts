import pino from 'pino';
import { bootLogLevel } from '../config/app-config';

/** Structured JSON logs (pino). One root logger per process; modules take children with a `component`. */
export const rootLogger = pino({
  level: bootLogLevel(),
  base: { pid: process.pid },
});

export function componentLogger(component: string) {
  return rootLogger.child({ component });
}
