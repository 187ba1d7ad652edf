/**
 * The `mtlgrad` command line: `main(argv, io)` runs one command and returns its exit status.
 * `src/cli.ts` is the executable wrapper; tests call `main` directly with captured streams.
 */
// Tensor's chained methods: the command line is an entry of its own (src/cli.ts).
import '../../autograd/methods.js';
import { closest } from '../../options.js';
import { describeError, UsageError } from './errors.js';
import { exampleDataCommand } from './example-data.js';
import { exportCommand } from './export.js';
import { exampleDataHelp, exportHelp, mainHelp, predictHelp, trainHelp } from './help.js';
import { type CliIO, packageVersion } from './io.js';
import { predictCommand } from './predict.js';
import { trainCommand } from './train.js';

export {
  CONFIG_KEY,
  configFromMetadata,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelConfig,
} from '../../model/config.js';
export { UsageError } from './errors.js';
export type { CliIO, OutputStream } from './io.js';

const COMMANDS = ['train', 'predict', 'export', 'example-data', 'help'];

/**
 * Runs `mtlgrad` with `argv` (the arguments after the program name). Output goes to `io.stdout`,
 * errors to `io.stderr` as one line starting with `mtlgrad: `; relative paths are resolved
 * against `io.cwd`. Never throws.
 *
 * @returns the exit status: 0 success, 1 data/file error (or an unexpected error), 2 usage error.
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    const { code, line } = describeError(err);
    io.stderr.write(`${line}\n`);
    return code;
  }
}

async function dispatch(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    throw new UsageError(
      "no command given; usage: mtlgrad train|predict|export [options] (see 'mtlgrad --help')",
    );
  }
  if (first === '--help' || first === '-h') {
    io.stdout.write(mainHelp(packageVersion()));
    return 0;
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  switch (first) {
    case 'train':
      return trainCommand(rest, io, trainHelp);
    case 'predict':
      return predictCommand(rest, io, predictHelp);
    case 'export':
      return exportCommand(rest, io, exportHelp);
    case 'example-data':
      return exampleDataCommand(rest, io, exampleDataHelp);
    case 'help': {
      const topic = rest[0];
      if (topic === undefined) io.stdout.write(mainHelp(packageVersion()));
      else if (topic === 'train') io.stdout.write(trainHelp());
      else if (topic === 'predict') io.stdout.write(predictHelp());
      else if (topic === 'export') io.stdout.write(exportHelp());
      else if (topic === 'example-data') io.stdout.write(exampleDataHelp());
      else
        throw new UsageError(
          `help: unknown command '${topic}'; commands are train, predict, export and example-data`,
        );
      return 0;
    }
  }
  if (first.startsWith('-')) {
    throw new UsageError(
      `unknown option '${first}' before the command; usage: mtlgrad train|predict|export [options], or mtlgrad --help`,
    );
  }
  const c = closest(first, COMMANDS);
  throw new UsageError(
    `unknown command '${first}'${c ? `; did you mean '${c}'?` : ''} (commands: train, predict, export, example-data, help)`,
  );
}
