import * as readline from 'readline';
import { loadConfigPart } from '@app/common/config/app-config';
import { runCli } from './admin-cli';

/** `npm run cli -- <command> ...`: see admin-cli.ts USAGE. */
function readPassword(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const tty = process.stdin.isTTY;
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: !!tty });
    if (tty) {
      // echo nothing while the password is typed
      process.stdout.write(prompt);
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
    }
    rl.once('line', (line) => {
      if (tty) process.stdout.write('\n');
      rl.close();
      resolve(line);
    });
    rl.once('close', () => resolve(''));
  });
}

/** DATABASE_URL through the validated config: a malformed URL is refused here, naming the variable. */
function databaseUrl(): string | undefined {
  try {
    return loadConfigPart(['DATABASE_URL']).DATABASE_URL;
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}

runCli(process.argv.slice(2), databaseUrl(), {
  out: (l) => console.log(l),
  err: (l) => console.error(l),
  readPassword,
}).then(
  (code) => process.exit(code),
  (e) => {
    console.error((e as Error).message);
    process.exit(1);
  },
);
