import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Whether Postgres answers (GET /health). */
@Injectable()
export class HealthService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  postgresUp(): Promise<boolean> {
    return this.ds.query('SELECT 1').then(
      () => true,
      () => false,
    );
  }
}
