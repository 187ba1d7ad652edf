// The playground's training, off the page's thread: builds the chosen data set and model, runs fit and posts
// every epoch's record (per-task train and validation losses, task weights, gradient conflict) as it finishes,
// then the trained model as safetensors and ONNX bytes. A shared flag set by the page stops training after the epoch.
import {
  applyStandardizer,
  applyTargetStandardizer,
  backendInfo,
  CGC,
  createWeighting,
  encodeSafetensors,
  fit,
  fitStandardizer,
  fitTargetStandardizer,
  HardSharing,
  loadTable,
  MMoE,
  PLE,
  penguinsCsv,
  Rng,
  relatedTasks,
  tableTasks,
  tableToData,
  tensor,
  toOnnx,
  trainTestSplit,
} from '/dist/index.js';

/** Penguins: species, sex and body mass from the beak, flipper and island; a stratified quarter validates. */
function penguins(seed) {
  const table = loadTable(penguinsCsv(), {
    features: ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Island'],
    categorical: ['Island'],
    tasks: [
      { column: 'Species', name: 'species', kind: 'classification' },
      { column: 'Sex', name: 'sex', kind: 'binary' },
      { column: 'Body Mass (g)', name: 'mass', kind: 'regression' },
    ],
    missingFeatures: 'drop',
  });
  const split = trainTestSplit(table, { test: 0.25, seed, stratify: 'species' });
  // Features and the regression target standardised with statistics of the training rows only.
  const scaler = fitStandardizer(split.train);
  const targets = fitTargetStandardizer(split.train);
  const prepare = (t) => tableToData(applyTargetStandardizer(applyStandardizer(t, scaler), targets));
  return { tasks: tableTasks(table), train: prepare(split.train), validation: prepare(split.test) };
}

/** Three regression tasks on a shared nonlinear feature map; relatedness r sets how much they share. */
function synthetic(relatedness, seed) {
  const T = 3;
  const n = 240;
  const nTrain = 160;
  const d = relatedTasks({
    tasks: T,
    samples: n,
    features: 8,
    relatedness,
    nonlinear: true,
    noise: 0.3,
    seed,
  });
  const rows = (from, to) =>
    Array.from({ length: to - from }, (_, i) =>
      Array.from(d.x.subarray((from + i) * d.nFeatures, (from + i + 1) * d.nFeatures)),
    );
  const part = (from, to) => {
    const y = {};
    for (let t = 0; t < T; t++) y[`task${t + 1}`] = d.targets[t].slice(from, to);
    return { x: tensor(rows(from, to)), y };
  };
  const tasks = Array.from({ length: T }, (_, t) => ({ name: `task${t + 1}`, kind: 'regression' }));
  return { tasks, train: part(0, nTrain), validation: part(nTrain, n) };
}

function dataset(name, seed) {
  if (name === 'penguins') return penguins(seed);
  if (name === 'related') return synthetic(0.9, seed);
  if (name === 'unrelated') return synthetic(0, seed);
  throw new Error(`unknown data set '${name}'`);
}

/** Small versions of each architecture, sized for a few hundred rows. */
function buildModel(architecture, inputs, tasks, activation, seed) {
  const common = { inputs, tasks, activation, rng: new Rng(seed) };
  const experts = { sharedExperts: 2, taskExperts: 1, expertHidden: [16] };
  if (architecture === 'hard-sharing') return HardSharing.build({ ...common, hidden: [32, 32] });
  if (architecture === 'mmoe') return MMoE.build({ ...common, experts: 4, hidden: [16] });
  if (architecture === 'cgc') return CGC.build({ ...common, ...experts });
  if (architecture === 'ple') return PLE.build({ ...common, ...experts, levels: 2 });
  throw new Error(`unknown architecture '${architecture}'`);
}

function train(settings, stop) {
  const { tasks, train: data, validation } = dataset(settings.dataset, settings.seed);
  const model = buildModel(settings.architecture, data.x.shape[1], tasks, settings.activation, settings.seed);
  postMessage({
    type: 'start',
    tasks: tasks.map((t) => t.name),
    backend: backendInfo(),
    rows: data.x.shape[0],
  });
  const history = fit(model, data, {
    tasks,
    epochs: settings.epochs,
    batchSize: 32,
    lr: settings.lr,
    weightDecay: settings.lambda,
    weighting: createWeighting(settings.weighting, { seed: settings.seed }),
    validation,
    recordConflict: true,
    seed: settings.seed,
    onEpoch: (record) => {
      const valLoss = {};
      for (const [t, m] of Object.entries(record.validation ?? {})) valLoss[t] = m.loss;
      const { epoch, trainLoss, weights, conflict, seconds } = record;
      postMessage({ type: 'epoch', epoch, trainLoss, valLoss, weights, conflict, seconds });
      return stop !== null && Atomics.load(stop, 0) === 1 ? 'stop' : undefined;
    },
  });
  const metadata = { format: 'mtlgrad.playground', settings: JSON.stringify(settings) };
  const bytes = encodeSafetensors(model.stateDict(), metadata);
  // The network alone (it reads the standardised features, as the model does here): one output per task.
  const onnx = toOnnx(model);
  postMessage({ type: 'done', bytes, onnx, epochs: history.epochs.length }, [bytes.buffer, onnx.buffer]);
}

self.addEventListener('message', (event) => {
  const { settings, stop } = event.data;
  try {
    train(settings, stop ?? null);
  } catch (err) {
    postMessage({ type: 'error', message: String(err?.message ?? err) });
  }
});
