/**
 * jest's globalSetup runs outside jest's module registry, so moduleNameMapper does not apply there;
 * this maps the tsconfig path aliases (@app/<lib>/...) for code loaded from global setup.
 */
import * as fs from 'fs';
import * as path from 'path';
const Module = require('module');
const root = path.resolve(__dirname, '..', '..');
const LIBS = fs.readdirSync(path.join(root, 'libs'));
const original = Module._resolveFilename;
if (!Module.__gdAliases) {
  Module.__gdAliases = true;
  Module._resolveFilename = function (request: string, ...rest: unknown[]) {
    const m = /^@app\/([a-z-]+)(\/.*)?$/.exec(request);
    if (m) {
      const [, lib, sub] = m;
      let base: string | null = null;
      if (LIBS.includes(lib)) base = path.join(root, 'libs', lib, 'src');
      else if (lib === 'channel-sim') base = path.join(root, 'apps', 'channel-sim', 'src');
      else if (lib === 'test') base = path.join(root, 'test');
      if (base) request = base + (sub ?? '');
    }
    return original.call(this, request, ...rest);
  };
}
