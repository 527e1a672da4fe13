// Builds the console (apps/console, React + Vite) when it exists; the api serves apps/console/dist at /.
const { existsSync } = require('fs');
const { execSync } = require('child_process');
const path = require('path');
const dir = path.join(__dirname, '..', 'apps', 'console');
if (!existsSync(path.join(dir, 'vite.config.ts')) && !existsSync(path.join(dir, 'vite.config.js'))) {
  console.log('console: no apps/console yet, skipping');
  process.exit(0);
}
execSync('npx vite build --logLevel warn', { cwd: dir, stdio: 'inherit' });
