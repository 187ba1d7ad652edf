// The playground page: reads the settings, starts worker.js, and redraws the charts (the SVG renderers of
// mtlgrad's reports) as epochs arrive. window.__playground holds the run's state for the browser test.

import { WEIGHTING_NAMES, WEIGHTINGS } from '/dist/index.js';
import { heatmap, lineChart } from '/dist/report/index.js';

const form = document.getElementById('settings');
const $ = (id) => document.getElementById(id);
const state = { status: 'idle', tasks: [], epochs: [], error: null, bytes: null, onnx: null };
window.__playground = state;

for (const name of WEIGHTING_NAMES) {
  const option = new Option(`${name}: ${WEIGHTINGS[name].description}`, name);
  form.weighting.append(option);
}

function settings() {
  const f = form.elements;
  return {
    dataset: f.dataset.value,
    architecture: f.architecture.value,
    activation: f.activation.value,
    weighting: f.weighting.value,
    lambda: Number(f.lambda.value),
    lr: Number(f.lr.value),
    epochs: Math.max(1, Math.round(Number(f.epochs.value))),
    seed: Math.max(0, Math.round(Number(f.seed.value))),
  };
}

function setStatus(text, error = false) {
  $('status').textContent = text;
  $('status').className = error ? 'error' : '';
}

/** Loss curves (one chart per task), the last conflict matrix and the task weights. */
function draw() {
  const { tasks, epochs } = state;
  if (epochs.length === 0) return;
  const points = (pick) => epochs.map((e) => [e.epoch + 1, pick(e)]);
  $('curves').innerHTML = tasks
    .map((t) =>
      lineChart({
        title: t,
        xLabel: 'epoch',
        yLabel: 'loss',
        logY: true,
        width: 420,
        height: 220,
        series: [
          { name: 'train', points: points((e) => e.trainLoss[t]) },
          { name: 'validation', points: points((e) => e.valLoss[t]), dashed: true },
        ],
      }),
    )
    .join('');
  const last = epochs.at(-1);
  if (last.conflict)
    $('conflict').innerHTML = heatmap({
      title: `epoch ${last.epoch + 1}`,
      labels: tasks,
      matrix: last.conflict,
      width: 420,
    });
  $('weights').innerHTML = lineChart({
    title: 'weights',
    xLabel: 'epoch',
    yLabel: 'weight',
    width: 420,
    height: 260,
    series: tasks.map((t) => ({ name: t, points: points((e) => e.weights[t]) })),
  });
}

let worker = null;
let stopFlag = null;
let pending = false;

function onMessage(event) {
  const m = event.data;
  if (m.type === 'start') {
    state.tasks = m.tasks;
    setStatus(`Training on ${m.rows} rows, backend ${m.backend.backend}, ${m.backend.threads} thread(s)…`);
  } else if (m.type === 'epoch') {
    state.epochs.push(m);
    const total = Object.values(m.valLoss).reduce((a, b) => a + b, 0);
    setStatus(
      `Epoch ${m.epoch + 1}/${settings().epochs}: validation loss (sum over tasks) ${total.toPrecision(4)}`,
    );
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        draw();
      });
    }
  } else if (m.type === 'done' || m.type === 'error') {
    finish(m);
  }
}

function finish(m) {
  worker.terminate();
  worker = null;
  $('train').disabled = false;
  $('stop').disabled = true;
  if (m.type === 'error') {
    state.status = 'error';
    state.error = m.message;
    setStatus(`Training failed: ${m.message}`, true);
    return;
  }
  draw();
  state.bytes = m.bytes;
  state.onnx = m.onnx;
  state.status = 'done';
  $('download').disabled = false;
  $('download-onnx').disabled = false;
  setStatus(`Done: ${m.epochs} epochs. The trained model can be downloaded as safetensors or ONNX.`);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (worker) return;
  Object.assign(state, { status: 'training', tasks: [], epochs: [], error: null, bytes: null, onnx: null });
  for (const id of ['curves', 'conflict', 'weights']) $(id).innerHTML = '';
  $('train').disabled = true;
  $('stop').disabled = false;
  $('download').disabled = true;
  $('download-onnx').disabled = true;
  setStatus('Starting…');
  // Without cross-origin isolation there is no SharedArrayBuffer; Stop then ends the worker outright.
  stopFlag = globalThis.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : null;
  worker = new Worker('/playground/worker.js', { type: 'module' });
  worker.onmessage = onMessage;
  worker.onerror = (e) => finish({ type: 'error', message: e.message ?? 'the worker failed to start' });
  worker.postMessage({ settings: settings(), stop: stopFlag });
});

$('stop').addEventListener('click', () => {
  if (!worker) return;
  if (stopFlag) Atomics.store(stopFlag, 0, 1);
  else finish({ type: 'error', message: 'stopped' });
});

/** Saves `bytes` as a file through a temporary object URL. */
function save(bytes, name) {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

$('download').addEventListener('click', () => {
  if (state.bytes) save(state.bytes, `mtlgrad-${settings().dataset}.safetensors`);
});
$('download-onnx').addEventListener('click', () => {
  if (state.onnx) save(state.onnx, `mtlgrad-${settings().dataset}.onnx`);
});
