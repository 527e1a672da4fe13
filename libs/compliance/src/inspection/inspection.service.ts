import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { shanghaiDate } from '../deadlines/calendar-date';
import { DeadlineScanService } from '../deadlines/deadline-scan.service';
import { collectInspectionInput } from './collect-inspection';
import { computeInspection } from './compute-inspection';
import type { InspectionResult } from './inspection.types';

/**
 * The inspection indicators of a set of organisations for a Beijing day, live from the ledger:
 * collectInspectionInput (SQL) then computeInspection (pure). Other features (the monthly 自查 report)
 * call `inspect` or the two functions directly.
 */
@Injectable()
export class InspectionService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scanner: DeadlineScanService,
  ) {}

  async inspect(orgIds: string[], today: string = shanghaiDate(new Date())): Promise<InspectionResult> {
    return inspectWith(this.ds, this.scanner, orgIds, today);
  }
}

/** Without Nest: the same computation from a data source and the deadline scanner (its calendar and channel registry). */
export async function inspectWith(
  ds: DataSource,
  scanner: Pick<DeadlineScanService, 'registry' | 'cal'>,
  orgIds: string[],
  today: string,
): Promise<InspectionResult> {
  const cal = scanner.cal();
  const input = await collectInspectionInput(ds, scanner.registry, orgIds, today);
  return computeInspection({ ...input, calendar: { isWorkingDay: (d) => cal.isWorkingDay(d) } });
}
