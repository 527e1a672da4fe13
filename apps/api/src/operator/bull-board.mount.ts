import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '@app/common/errors/app-error';
import { DeliveryQueues } from '@app/channels/engine/delivery-queues.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { AuthService } from '../auth/auth.service';

export const BOARD_PATH = '/admin/queues';
const COOKIE = 'gd_board_token';

/**
 * Bull Board at /admin/queues for admins of the root organisation only (queues span every organisation).
 * The board's page loads scripts and calls its own API with relative URLs, so a token given once
 * (Authorization header or ?access_token=) is kept in an HttpOnly cookie scoped to the board's path. Read-only: a delivery's state is changed through
 * the audited operator API, never by moving jobs (the job is only a wake-up call for the row).
 */
@Injectable()
export class BullBoardMount implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly queues: DeliveryQueues,
    private readonly auth: AuthService,
    private readonly scope: OrgScopeService,
  ) {}

  onModuleInit() {
    const app = this.adapterHost.httpAdapter?.getInstance?.();
    if (!app || typeof app.use !== 'function') return;
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(BOARD_PATH);
    createBullBoard({
      queues: this.queues.allQueues().map((q) => new BullMQAdapter(q, { readOnlyMode: true, description: '发送队列（只读；请通过运维接口重试、取消）' })),
      serverAdapter: serverAdapter as any, // @bull-board/express bundles its own copy of @bull-board/api types
      options: { uiConfig: { boardTitle: '发送队列' } },
    });
    app.use(BOARD_PATH, (req: Request, res: Response, next: NextFunction) => void this.guard(req, res, next), serverAdapter.getRouter());
  }

  private async guard(req: Request, res: Response, next: NextFunction) {
    const header = req.headers.authorization;
    const fromQuery = typeof req.query.access_token === 'string' ? req.query.access_token : undefined;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : (fromQuery ?? readCookie(req.headers.cookie, COOKIE));
    try {
      if (!token) throw new AppError(401, 'UNAUTHENTICATED', '请先登录');
      const user = await this.auth.verify(token);
      // Queues are per channel type, not per organisation: the board shows every organisation's jobs,
      // so only an admin of the root sees it. Others use the scoped operator API.
      if (!(await this.scope.isRootAdmin(user))) {
        throw AppError.forbidden('FORBIDDEN_ROLE', '发送队列面板包含所有机构的任务，只有最上级机构的管理员可以查看；请使用运维页面');
      }
    } catch (e) {
      const err = e instanceof AppError ? e : new AppError(401, 'UNAUTHENTICATED', '请先登录');
      res.status(err.status).json({ statusCode: err.status, code: err.code, message: err.message, details: err.details });
      return;
    }
    if (fromQuery || header) {
      res.setHeader('Set-Cookie', `${COOKIE}=${encodeURIComponent(token)}; Path=${BOARD_PATH}; HttpOnly; SameSite=Strict`);
    }
    next();
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}
