import * as ts from 'typescript';
import { lineOf, parse, sourceFiles, walkNodes } from './source-files';

/**
 * Controllers speak HTTP and call services; SQL lives in services and repositories. This fails when a
 * *.controller.ts imports a database handle (DataSource, EntityManager, Repository, or the decorators
 * that inject them) or runs a query itself (`.query(`, `.createQueryBuilder(`, `.getRepository(`).
 */
const DB_IMPORTS = new Set(['DataSource', 'EntityManager', 'Repository', 'QueryRunner', 'InjectRepository', 'InjectDataSource', 'InjectEntityManager']);
const DB_CALLS = new Set(['query', 'createQueryBuilder', 'getRepository']);

export function sqlInController(rel: string): string[] {
  const sf = parse(rel);
  if (!sf) return [];
  const out: string[] = [];
  walkNodes(sf, (n) => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) && ['typeorm', '@nestjs/typeorm'].includes(n.moduleSpecifier.text)) {
      const named = n.importClause?.namedBindings;
      if (named && ts.isNamedImports(named)) {
        for (const el of named.elements)
          if (DB_IMPORTS.has((el.propertyName ?? el.name).text)) out.push(`${rel}:${lineOf(sf, el)} imports ${(el.propertyName ?? el.name).text}`);
      }
    }
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && DB_CALLS.has(n.expression.name.text)) {
      out.push(`${rel}:${lineOf(sf, n)} calls .${n.expression.name.text}(`);
    }
  });
  return out;
}

describe('controllers hold no SQL', () => {
  it('finds a database handle and a query in a controller-shaped source (the check itself)', () => {
    // a file of this suite's own helpers, read as a controller would be
    expect(sqlInController('test/architecture/fixtures/sql-controller.fixture.ts')).toEqual([
      'test/architecture/fixtures/sql-controller.fixture.ts:2 imports DataSource',
      'test/architecture/fixtures/sql-controller.fixture.ts:3 imports InjectDataSource',
      'test/architecture/fixtures/sql-controller.fixture.ts:9 calls .query(',
    ]);
  });

  it('no *.controller.ts imports DataSource / EntityManager / Repository or runs a query', () => {
    const controllers = sourceFiles(['apps', 'libs'], (rel) => rel.endsWith('.controller.ts'));
    expect(controllers.length).toBeGreaterThan(10);
    expect(controllers.flatMap(sqlInController)).toEqual([]);
  });
});
