import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import * as fs from 'fs';
import * as path from 'path';
import { AppConfig, portalDir } from '@app/common/config/app-config';
import { ApiModule } from './api.module';
import { apiValidationPipe } from './http/validation.pipe';

export const API_PREFIX = 'api/v1';

/** Builds the API application (used by main.ts, the all-in-one dev launcher and the tests). */
export async function createApiApp(config: AppConfig, extra: Type<unknown>[] = []): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config, extra), { logger: ['error', 'warn'], bodyParser: false });
  app.use(express.json({ limit: '5mb' }));
  app.use(express.urlencoded({ extended: false, limit: '5mb' }));
  app.setGlobalPrefix(API_PREFIX, { exclude: ['site/{*path}', 'metrics', 'admin/queues/{*path}'] });
  app.useGlobalPipes(apiValidationPipe());
  app.enableShutdownHooks();

  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('政务公开 一次采编 多渠道发布 API').setDescription('Write once, review, publish to every channel, count from one ledger.').setVersion('1').addBearerAuth().build(),
  );
  SwaggerModule.setup('api/docs', app, doc);

  // The portal output, so `npm start` serves the site; production may serve the directory with any web server.
  const site = path.resolve(portalDir(config));
  fs.mkdirSync(site, { recursive: true });
  app.use('/site', express.static(site, { extensions: ['html'], index: 'index.html' }));

  // The console (apps/console, built by Vite) at /.
  const consoleDir = path.resolve(process.env.CONSOLE_DIR ?? path.join(__dirname, '..', '..', '..', 'apps', 'console', 'dist'));
  const consoleAlt = path.resolve('apps/console/dist');
  const dir = fs.existsSync(consoleDir) ? consoleDir : consoleAlt;
  if (fs.existsSync(dir)) {
    app.use(express.static(dir, { index: 'index.html', maxAge: '1h' }));
    app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
      if (req.method !== 'GET' || req.path.startsWith('/api') || req.path.startsWith('/site') || req.path.startsWith('/admin/queues') || req.path === '/metrics') return next();
      res.sendFile(path.join(dir, 'index.html'));
    });
  }
  return app;
}
