import * as readline from 'readline';
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

runCli(process.argv.slice(2), process.env.DATABASE_URL, {
  out: (l) => console.log(l),
  err: (l) => console.error(l),
  readPassword,
}).then((code) => process.exit(code));
