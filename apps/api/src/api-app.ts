import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import * as fs from 'fs';
import * as path from 'path';
import { AppConfig, portalDir } from '@app/common/config/app-config';
import { portalStaticHeaders } from '@app/channels/portal/portal-static-headers';
import { ApiModule } from './api.module';
import { apiValidationPipe, jsonDepthGuard } from './http/validation.pipe';
import { securityHeaders, trustProxy } from './security-headers';
import { compressResponses, serveConsole } from './console-static';

export const API_PREFIX = 'api/v1';

/** Builds the API application (used by main.ts, the all-in-one dev launcher and the tests). */
export async function createApiApp(config: AppConfig, extra: Type<unknown>[] = [], opts: { shutdownHooks?: boolean } = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config, extra), {
    logger: ['error', 'warn'],
    bodyParser: false,
    abortOnError: false,
  });
  app.disable('x-powered-by');
  // the client address (sign-in throttling, audit) from X-Forwarded-For only through proxies we trust
  app.set('trust proxy', trustProxy(config.TRUST_PROXY));
  // first, so every response carries them: API, docs, Bull Board, console, portal, errors
  app.use(securityHeaders());
  app.use(compressResponses());
  app.use(express.json({ limit: '5mb' }));
  app.use(jsonDepthGuard()); // bodies nested deeper than 32 levels: 400 before anything walks them
  app.use(express.urlencoded({ extended: false, limit: '5mb' }));
  // Body-parser errors happen before Nest's filters: answer them in the API's one error shape here.
  app.use((err: { type?: string; status?: number }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (err?.type === 'entity.parse.failed')
      return res
        .status(400)
        .json({ statusCode: 400, code: 'MALFORMED_JSON', message: '请求体不是有效的 JSON', details: [{ field: 'body', reason: 'malformed JSON' }] });
    if (err?.type === 'entity.too.large')
      return res.status(413).json({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: '请求内容过大', details: [{ field: 'body', reason: 'too large' }] });
    next(err);
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['site/{*path}', 'metrics', 'admin/queues/{*path}'] });
  app.useGlobalPipes(apiValidationPipe());
  // Standalone processes close on SIGTERM/SIGINT; the all-in-one launcher closes things in its own order.
  if (opts.shutdownHooks !== false) app.enableShutdownHooks();

  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('政务公开 一次采编 多渠道发布 API')
      .setDescription('Write once, review, publish to every channel, count from one ledger.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, doc);

  // The portal output, so `npm start` serves the site; production may serve the directory with any web server.
  const site = path.resolve(portalDir(config));
  fs.mkdirSync(site, { recursive: true });
  app.use('/site', express.static(site, { extensions: ['html'], index: 'index.html', setHeaders: portalStaticHeaders }));

  // The console (apps/console, built by Vite) at /.
  // From source (apps/api/src) or from the build (dist/apps/api/src), or CONSOLE_DIR.
  const candidates = [
    config.CONSOLE_DIR,
    path.join(__dirname, '..', '..', 'console', 'dist'),
    path.join(__dirname, '..', '..', '..', '..', 'apps', 'console', 'dist'),
  ];
  const dir = candidates.find((c): c is string => !!c && fs.existsSync(path.join(c, 'index.html')));
  if (dir) {
    serveConsole(app, dir);
  }
  return app;
}
