/** Help texts of `mtlgrad`, `mtlgrad train`, `mtlgrad predict`, `mtlgrad export` and `mtlgrad example-data`. */

import { ARCHITECTURE_NAMES, ARCHITECTURES } from '../../mtl/arch-registry.js';
import { WEIGHTING_NAMES, WEIGHTINGS, type WeightingEntry } from '../../mtl/registry.js';
import { expected } from '../../mtl/weighting-options.js';
import { ARCH_DEFAULTS } from './arch-flags.js';

/** Defaults of `mtlgrad train` (shown in the help text and used by the parser). */
export const TRAIN_DEFAULTS = {
  hidden: [64, 64],
  activation: 'relu',
  epochs: 100,
  batchSize: 32,
  lr: 0.001,
  weightDecay: 0,
  weighting: 'ew',
  testSplit: 0.2,
  valSplit: 0,
  patience: 10,
  seed: 0,
  missing: 'drop',
} as const;

/** The `--arch` lines of the train help, one per architecture. */
function archLines(): string {
  const pad = ' '.repeat(26);
  const width = Math.max(...ARCHITECTURE_NAMES.map((a) => ARCHITECTURES[a].cli.length)) + 2;
  return ARCHITECTURE_NAMES.map(
    (a) => `${pad}${ARCHITECTURES[a].cli.padEnd(width)}${ARCHITECTURES[a].description}\n`,
  ).join('');
}

/** The `--weighting` lines of the train help: one per method of the registry, then one per option. */
function weightingLines(): string {
  const pad = ' '.repeat(26);
  const width = Math.max(...WEIGHTING_NAMES.map((n) => n.length)) + 2;
  return WEIGHTING_NAMES.map((n) => {
    const entry: WeightingEntry = WEIGHTINGS[n];
    const options = Object.entries(entry.options ?? {}).map(
      ([key, spec]) =>
        `${pad}${' '.repeat(width)}  :${key}=  ${spec.description}; ${expected(spec)}${spec.required ? ', required' : ''}\n`,
    );
    return `${pad}${n.padEnd(width)}${entry.description}\n${options.join('')}`;
  }).join('');
}

export function mainHelp(version: string): string {
  return `mtlgrad ${version}: multi-task learning on the CPU (one network, several prediction tasks)

Usage:
  mtlgrad train   --data FILE --features COLS --task NAME:KIND [--task ...] [options]
  mtlgrad predict --model FILE --data FILE [--json] [--output FILE.csv]
  mtlgrad export  --model FILE --onnx FILE.onnx | --pytorch FILE.py
  mtlgrad example-data penguins [--rows N] [--without-labels]
  mtlgrad help [train|predict|export|example-data]
  mtlgrad --version

Commands:
  train     Train a shared network on a CSV or JSON table, report test metrics per task,
            and optionally save the model (weights and preprocessing) to a safetensors file.
  predict   Apply a saved model to new rows (label columns are not needed).
  export    Write a saved model as ONNX (its preprocessing included, to serve it with any ONNX
            Runtime) or as a PyTorch module (nn.Module with the same parameter names).
  example-data
            Write the bundled Palmer Penguins table as CSV to stdout, to try the commands on.

Options:
  -h, --help     Show this help (or a command's help: mtlgrad train --help).
  --version      Print the version.

Example:
  mtlgrad example-data penguins > penguins.csv
  mtlgrad example-data penguins --rows 5 --without-labels > new-penguins.csv
  mtlgrad train --data penguins.csv \\
    --features "Beak Length (mm),Beak Depth (mm),Flipper Length (mm),Island" --categorical Island \\
    --task Species:classification --task Sex:binary --task "Body Mass (g)":regression \\
    --save penguins.safetensors
  mtlgrad predict --model penguins.safetensors --data new-penguins.csv

Exit status: 0 on success, 1 for a data or file problem, 2 for a usage error.
`;
}

export function trainHelp(): string {
  const d = TRAIN_DEFAULTS;
  return `Usage: mtlgrad train --data FILE --features COLS --task NAME:KIND [--task NAME:KIND ...] [options]

Trains one network with a shared trunk and one head per task, holding out a test split,
and prints each task's metrics on the test rows.

Input:
  --data FILE             Training table: CSV with a header line, or a JSON array of row objects
                          (.json). Empty cells, NA, N/A, NaN, null, "." and "?" are missing values.
  --delimiter CHAR        CSV field separator: one character, or tab (also written \\t). Default:
                          detected from the first lines (comma, tab, semicolon or pipe: the one
                          splitting every line into the same number of fields); a tab for .tsv.
  --decimal , | .         The decimal mark of numbers. With --decimal , cells like 4,5 are read as
                          4.5; the delimiter must then be something other than a comma. Default: .
  --features COLS         Comma-separated input columns. Quote the whole list for names with spaces:
                          --features "Beak Length (mm),Island". A name containing a comma is written
                          in double quotes inside the list: --features '"a,b",c'.
  --task NAME:KIND        A task: the column NAME holds its labels; KIND is classification
                          (two or more classes), binary (exactly two labels; the later one in sorted
                          order, e.g. "yes" or "1" or "true", is the positive class) or regression
                          (a number). Repeat for each task. The column name may contain ':' (the
                          last ':' separates the kind). A row missing a task's label still trains
                          the other tasks; a row missing every label is dropped.
  --categorical COLS      Comma-separated feature columns holding categories, one-hot encoded.
                          Default: none (every feature must be numeric).
  --missing POLICY        Rows with a missing feature value: drop (drop the row, reported) or mean /
                          median (impute with the training rows' statistic). Default: ${d.missing}.

Model and training:
  --arch NAME             The network. Default: hard.
${archLines()}  --hidden SIZES          Comma-separated hidden layer sizes of the shared trunk (hard), of each
                          task's column (cross-stitch) or of every expert. Default: ${d.hidden.join(',')}.
  --tower SIZES           Hidden layer sizes of every task's head, making it a small MLP (a tower).
                          Default: none (linear heads).
  --experts N             Experts (mmoe, dselect-k; at least 2 for dselect-k) or shared experts
                          (cgc, ple). Default: ${ARCH_DEFAULTS.experts}.
  --task-experts N        Experts of each task (cgc, ple). Default: ${ARCH_DEFAULTS.taskExperts}.
  --levels N              Stacked extraction layers (ple). Default: ${ARCH_DEFAULTS.levels}.
  --k N                   Experts each task's gate selects, at most --experts (dselect-k). Default: ${ARCH_DEFAULTS.k}.
  --activation NAME       relu, tanh, gelu, leakyRelu, sigmoid or softplus. Default: ${d.activation}.
  --epochs N              Passes over the training rows. Default: ${d.epochs}.
  --batch-size N          Rows per step. Default: ${d.batchSize}.
  --lr X                  Adam learning rate. Default: ${d.lr}.
  --weight-decay X        Weight decay λ on the weight matrices (an L2 penalty). Default: ${d.weightDecay}.
  --decoupled             Apply weight decay decoupled from the gradient (AdamW) instead of as L2.
  --weighting METHOD      How the task losses/gradients are combined. Default: ${d.weighting}.
                          METHOD:key=value,... sets the method's options (listed under it), e.g.
                          krum:byzantine=1,selected=2; a list continues after commas: constant:weights=1,2.
${weightingLines()}  --test-split F          Fraction of rows held out for testing, in [0, 1), stratified by the first
                          classification or binary task. 0 trains on everything and reports no
                          metrics. Default: ${d.testSplit}.
  --val-split F           Fraction of rows held out for validation, in [0, 1) (with --test-split
                          below 1 in total). With it, training stops early once the validation
                          loss has not improved for --patience epochs, and the best epoch's
                          weights are kept. Default: ${d.valSplit} (no validation, no early stopping).
  --patience N            Epochs without improvement of the validation loss before stopping
                          (needs --val-split). Default: ${d.patience}.
  --seed N                Seed of the split, the initial weights and the shuffling. Default: ${d.seed}.

Each task's test metrics are shown next to a baseline that ignores the features: the majority
class of the training labels (classification, binary) or the training mean (regression).
Warnings go to stderr (and into --json): a model that does not beat its baseline, a task with
fewer than 30 labelled test rows, a training loss that exploded, a numeric column with more
than 20 distinct values declared classification.

Preprocessing (all fitted on the training rows only): numeric features are standardised
(and imputed with --missing mean/median); regression targets are standardised for training,
and their metrics are reported in the original units.

Output:
  --save FILE             Write the model to a safetensors file (written atomically). Its metadata
                          holds the features, category lists, tasks and class names, network shape
                          and the fitted standardisers, so 'mtlgrad predict' can apply it.
  --json                  Print one JSON object instead of the table: {"tasks": {NAME: {metric:
                          value, "count", "baseline": {metric: value, "predictor", "predicts"}}},
                          "rows": {"train", "test", "dropped"}, "dropped": [{"row", "reason"}],
                          "warnings": [...], "config": {...}}. Metrics: accuracy, macroF1, logLoss
                          (and auc for binary) or r2, mse, mae (regression); count is the number of
                          test rows with a label. A metric that cannot be computed is null.
  --quiet                 No progress line on stderr (shown only when stderr is a terminal).
  -h, --help              Show this help.

Rows are numbered from 1 (the first data row); for CSV input, "line" is the line in the file.

Example:
  mtlgrad train --data penguins.csv \\
    --features "Beak Length (mm),Beak Depth (mm),Flipper Length (mm),Island" --categorical Island \\
    --task Species:classification --task Sex:binary --task "Body Mass (g)":regression \\
    --hidden 32 --epochs 50 --lr 0.01 --save penguins.safetensors
`;
}

export function predictHelp(): string {
  return `Usage: mtlgrad predict --model FILE --data FILE [--json] [--output FILE.csv] [--probabilities]
                       [--delimiter CHAR]

Applies a model saved by 'mtlgrad train --save' to new rows. The feature columns the model was
trained on must be present; label columns are not needed (and are ignored). The saved
preprocessing is applied: the same category lists, standardisation and missing-value policy.

Options:
  --model FILE            Model file written by 'mtlgrad train --save' (safetensors).
  --data FILE             Rows to predict: CSV with a header line, or a JSON array of row objects.
  --delimiter CHAR        CSV field separator: one character, or tab (also written \\t). Default:
                          detected from the first lines (comma, tab, semicolon or pipe: the one
                          splitting every line into the same number of fields); a tab for .tsv.
  --decimal , | .         The decimal mark of numbers. With --decimal , cells like 4,5 are read as
                          4.5; the delimiter must then be something other than a comma. Default: .
  --json                  Print one JSON object: {"predictions": [{"row", "line"?, "tasks": {NAME:
                          {"label", "probability", "probabilities"} or {"value"}}}], "skipped":
                          [{"row", "line"?, "reason"}], "model": {...}}.
  --output FILE.csv       Also write the predictions as CSV (atomically): one line per input row,
                          columns row, then per task its label and "<task> probability" (or its
                          value), and "error" with the reason a row could not be predicted.
  --probabilities         Show every class's probability (columns "<task> P(<class>)") instead of
                          only the predicted label's, in the table and in the --output CSV.
  -h, --help              Show this help.

For each row: classification and binary tasks give the predicted class (by name) and its
probability; regression tasks give the value in the original units. Rows that cannot be used
(a missing feature with the model's drop policy, a non-numeric value, a category the model
never saw) are listed with the reason and are not predicted. Rows are numbered from 1 (the
first data row); for CSV input, "line" is the line in the file.

Example:
  mtlgrad predict --model penguins.safetensors --data new-penguins.csv --output predictions.csv
`;
}

export function exportHelp(): string {
  return `Usage: mtlgrad export --model FILE --onnx FILE.onnx | --pytorch FILE.py

Writes a model saved by 'mtlgrad train --save' as an ONNX model (opset 17), to run it with any
ONNX Runtime (server, browser, mobile), or as a PyTorch module, to go on training it in PyTorch.
In the ONNX model the saved preprocessing is part of the graph: missing values (NaN) are imputed
when the model was trained with --missing mean or median, and the features are standardised, so
the model takes the raw columns.

Options:
  --model FILE            Model file written by 'mtlgrad train --save' (safetensors).
  --onnx FILE             The ONNX file to write (atomically).
  --pytorch FILE.py       A self-contained PyTorch module to write (atomically): nn.Module
                          classes whose state-dict keys are mtlgrad's, a safetensors reader,
                          load_model(path), and preprocess(x) / postprocess(outputs) with the
                          saved standardisers (encoded columns in, label units out). Needs torch.
  -h, --help              Show this help.

The input "features" is a float32 tensor [batch, columns]: the numeric features as they are and,
per categorical feature, one 0/1 column per category, in the order the command prints (also
in the model's metadata as "mtlgrad.features"). One output per task, named after it: class
probabilities [batch, classes] (class names in the metadata as "mtlgrad.classes"), a binary
task's probability of its second class [batch, 1], or regression values in label units.

Example:
  mtlgrad export --model penguins.safetensors --onnx penguins.onnx
  mtlgrad export --model penguins.safetensors --pytorch penguins.py
`;
}

export function exampleDataHelp(): string {
  return `Usage: mtlgrad example-data penguins [--rows N] [--without-labels]

Writes the Palmer Penguins table bundled with mtlgrad (344 penguins, CC0) to stdout as CSV, with
the columns Species, Island, Beak Length (mm), Beak Depth (mm), Flipper Length (mm), Body Mass (g)
and Sex. Missing values are empty fields. Redirect it to a file to try 'mtlgrad train' on it.

Options:
  --rows N                Write only N rows, spread evenly over the table (it is sorted by
                          species, so every species appears). Default: all 344.
  --without-labels        Leave out the columns the example predicts (Species, Sex and
                          Body Mass (g)), giving input for 'mtlgrad predict'.
  -h, --help              Show this help.

Example:
  mtlgrad example-data penguins > penguins.csv
  mtlgrad example-data penguins --rows 5 --without-labels > new-penguins.csv
`;
}
