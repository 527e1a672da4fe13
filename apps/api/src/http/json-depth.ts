import type { NextFunction, Request, Response } from 'express';

/** Deepest nesting a request body may have. Real bodies are a handful of levels deep (LED hours: 5). */
export const MAX_JSON_DEPTH = 32;

/**
 * Where a value nests deeper than `max`: the top-level field it happens under ('body' for a top-level
 * array or scalar nesting), or null. Iterative, so a body nested 100,000 deep costs a loop, not a stack.
 */
export function tooDeepAt(value: unknown, max = MAX_JSON_DEPTH): string | null {
  if (!value || typeof value !== 'object') return null;
  const stack: [unknown, number, string][] = Array.isArray(value) ? [[value, 1, 'body']] : Object.entries(value).map(([k, v]) => [v, 2, k]);
  while (stack.length) {
    const [v, depth, top] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (depth > max) return top;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child && typeof child === 'object') stack.push([child, depth + 1, top]);
  }
  return null;
}

/**
 * Refuses JSON bodies nested deeper than MAX_JSON_DEPTH before any code walks them recursively
 * (class-transformer, class-validator, our own checks): runs right after the JSON body parser.
 */
export function jsonDepthGuard(max = MAX_JSON_DEPTH) {
  return (req: Request, res: Response, next: NextFunction) => {
    const field = tooDeepAt(req.body, max);
    if (!field) return next();
    res.status(400).json({
      statusCode: 400,
      code: 'JSON_TOO_DEEP',
      message: `请求内容嵌套层级过深（不能超过${max}层）`,
      details: [{ field, reason: `nested deeper than ${max} levels` }],
    });
  };
}
