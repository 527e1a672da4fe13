import pino from 'pino';

/** Structured JSON logs (pino). One root logger per process; modules take children with a `component`. */
export const rootLogger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { pid: process.pid },
});

export function componentLogger(component: string) {
  return rootLogger.child({ component });
}
