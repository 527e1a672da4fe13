import { composeSchemas, migrationTimestamp } from './db-schema';

class Second1732000000002 {}
class First1732000000001 {}
class Third1732000000003 {}
class Clash1732000000001 {}
class NoStamp {}
class EntityA {}
class EntityB {}

describe('composeSchemas', () => {
  it("joins the libraries' schemas and orders migrations by the timestamp in the class name, as TypeORM runs them", () => {
    const s = composeSchemas(
      { entities: [EntityA], migrations: [Third1732000000003, First1732000000001] },
      { entities: [EntityB], migrations: [Second1732000000002] },
    );
    expect(s.migrations.map((m) => m.name)).toEqual(['First1732000000001', 'Second1732000000002', 'Third1732000000003']);
    expect(s.entities).toEqual([EntityA, EntityB]);
  });

  it('refuses two migrations with one timestamp, an entity listed twice and a class name without a timestamp', () => {
    expect(() => composeSchemas({ entities: [], migrations: [First1732000000001] }, { entities: [], migrations: [Clash1732000000001] })).toThrow(
      'migrations First1732000000001 and Clash1732000000001 share the timestamp 1732000000001',
    );
    expect(() => composeSchemas({ entities: [EntityA], migrations: [] }, { entities: [EntityA], migrations: [] })).toThrow(
      'entity EntityA is registered twice',
    );
    expect(() => migrationTimestamp(NoStamp)).toThrow('must end with a 13-digit timestamp');
  });
});
