/**
 * A self-contained PyTorch source file for a multi-task model: nn.Module classes whose state-dict keys are exactly
 * ours (`trunk.layers.0.weight`, `heads.<task>.bias`, ...), the model's structure as a literal, and a safetensors
 * reader written with the standard library and torch only (no `safetensors` package needed).
 */

import { ValueError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { describeModel, type ModelSpec } from './pytorch-spec.js';

/** Training-time preprocessing to write next to the model (the CLI's standardisers), so raw features can go in. */
export interface PytorchPreprocessing {
  /** Encoded input columns, in input order. */
  featureNames: string[];
  /** Per column: the model reads (x − mean) / std. */
  mean: number[];
  std: number[];
  /** Regression tasks trained on standardised targets: prediction = output · std + mean. */
  targets?: Record<string, { mean: number; std: number }>;
}

/** Options of {@link toPytorch}. */
export interface ToPytorchOptions {
  /** First line of the file's docstring (default 'mtlgrad model'). */
  title?: string;
  /** Standardisation constants to include, with `preprocess` and `postprocess` helpers. */
  preprocessing?: PytorchPreprocessing;
}

// The Python classes mirror src/nn/mlp.ts, src/mtl/architectures.ts, dselect-k.ts, cross-stitch.ts, extraction.ts and
// ple.ts: the attribute names are the state-dict path segments, so `load_state_dict(strict=True)` checks every key
// and shape.
const LIBRARY = `import json
import struct

import torch
import torch.nn.functional as F
from torch import nn

ACTIVATIONS = {
    "relu": F.relu,
    "leakyRelu": lambda x: F.leaky_relu(x, 0.01),
    "gelu": F.gelu,
    "geluTanh": lambda x: F.gelu(x, approximate="tanh"),
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "softplus": F.softplus,
    "identity": lambda x: x,
}


class MLP(nn.Module):
    """Linear layers (keys layers.<i>.weight/bias) with an activation after each hidden layer."""

    def __init__(self, spec):
        super().__init__()
        sizes = spec["sizes"]
        self.layers = nn.ModuleList(nn.Linear(a, b, bias=spec["bias"]) for a, b in zip(sizes, sizes[1:]))
        self.hidden_activation = ACTIVATIONS[spec["activation"]]
        out = spec["outputActivation"]
        self.output_activation = ACTIVATIONS[out] if out is not None else None

    def forward(self, x):
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < last:
                x = self.hidden_activation(x)
            elif self.output_activation is not None:
                x = self.output_activation(x)
        return x


def part(spec):
    if spec["kind"] == "linear":
        return nn.Linear(spec["inputs"], spec["outputs"], bias=spec["bias"])
    return MLP(spec)


def task_dict(modules):
    """An nn.ModuleDict keyed by task name, so that state-dict keys are heads.<task>.weight and so on.

    The entries go into _modules directly: add_module refuses a key that is also a Module attribute, and tasks may
    be called forward, to, type, train, keys... (the entries are reached by self.heads[t], never as attributes).
    mtlgrad refuses "training" and names beginning with "_": PyTorch assigns those on every module as it runs.
    """
    d = nn.ModuleDict()
    d._modules.update(modules)
    return d


def parts(specs):
    return task_dict({name: part(s) for name, s in specs.items()})


def mix(gate_logits, experts):
    """sum_e softmax(gate)_e * expert_e for experts stacked [N, E, H]."""
    return (experts * torch.softmax(gate_logits, -1).unsqueeze(2)).sum(1)


class HardSharing(nn.Module):
    def __init__(self, spec):
        super().__init__()
        self.tasks = spec["tasks"]
        self.trunk = part(spec["trunk"])
        self.heads = parts(spec["heads"])

    def forward(self, x):
        z = self.trunk(x)
        return {t: self.heads[t](z) for t in self.tasks}


class MMoE(nn.Module):
    def __init__(self, spec):
        super().__init__()
        self.tasks = spec["tasks"]
        self.experts = nn.ModuleList(part(s) for s in spec["experts"])
        self.gates = parts(spec["gates"])
        self.heads = parts(spec["heads"])

    def forward(self, x):
        z = torch.stack([e(x) for e in self.experts], 1)
        return {t: self.heads[t](mix(self.gates[t](x), z)) for t in self.tasks}


def smooth_step(t, gamma):
    """0 below -gamma/2, 1 above gamma/2, -2u^3/gamma^3 + 3u/(2 gamma) + 1/2 between (u = t clamped there)."""
    u = t.clamp(-gamma / 2, gamma / 2)
    return u.pow(3) * (-2 / gamma**3) + u * (3 / (2 * gamma)) + 0.5


class DSelectKGate(nn.Module):
    """Expert weights [N, E]: k single-expert selectors (smooth-step bits over binary codes) mixed by a softmax."""

    def __init__(self, spec):
        super().__init__()
        self.k, self.gamma, self.entropy_reg = spec["k"], spec["gamma"], spec["entropyReg"]
        self.zLogits = part(spec["zLogits"])
        self.wLogits = part(spec["wLogits"])
        experts, bits = spec["experts"], spec["zLogits"]["outputs"] // spec["k"]
        self.bits = bits
        codes = [[(e >> (bits - 1 - b)) & 1 for e in range(experts)] for b in range(bits)]
        # Expert e's code, most significant bit first; not a state-dict entry (it is not one of ours).
        self.register_buffer("codes", torch.tensor(codes, dtype=torch.float32), persistent=False)

    def selectors(self, x):
        """[N, k, E]: selector j's weight on expert e is the product over bits b of (S_jb if code_eb else 1 - S_jb)."""
        s = smooth_step(self.zLogits(x).reshape(x.shape[0], self.k, self.bits, 1), self.gamma)
        return ((1 - self.codes) + (2 * self.codes - 1) * s).prod(2)

    def forward(self, x):
        return (self.selectors(x) * torch.softmax(self.wLogits(x), -1).unsqueeze(2)).sum(1)

    def extra_loss(self, x):
        """The training term mtlgrad adds: the entropy term, and sum 1/(sum_e s + 1e-6) when E is not a power of two."""
        s = self.selectors(x)
        loss = s.new_zeros(())
        if self.entropy_reg > 0:
            loss = loss - self.entropy_reg * (s * torch.log(s + 1e-6)).sum()
        if self.codes.shape[1] != 2**self.bits:
            loss = loss + (1 / (s.sum(-1) + 1e-6)).sum()
        return loss


class DSelectK(nn.Module):
    def __init__(self, spec):
        super().__init__()
        self.tasks = spec["tasks"]
        self.experts = nn.ModuleList(part(s) for s in spec["experts"])
        self.gates = task_dict({t: DSelectKGate(g) for t, g in spec["gates"].items()})
        self.heads = parts(spec["heads"])

    def forward(self, x):
        z = torch.stack([e(x) for e in self.experts], 1)
        return {t: self.heads[t]((z * self.gates[t](x).unsqueeze(2)).sum(1)) for t in self.tasks}

    def extra_loss(self, x):
        """The gates' training terms, summed: add it to the task losses, as mtlgrad does in training mode."""
        return sum(self.gates[t].extra_loss(x) for t in self.tasks)


class CrossStitchUnit(nn.Module):
    """out[:, i] = sum_j alpha_ij * in[:, j] over columns stacked [N, T, H]; alpha starts at 0.9 on the diagonal."""

    def __init__(self, columns, self_weight=0.9):
        super().__init__()
        if columns == 1:
            alpha = torch.ones(1, 1)
        else:
            alpha = torch.full((columns, columns), (1 - self_weight) / (columns - 1))
            alpha.fill_diagonal_(self_weight)
        self.alpha = nn.Parameter(alpha)

    def forward(self, z):
        return torch.matmul(self.alpha, z)


class CrossStitch(nn.Module):
    def __init__(self, spec):
        super().__init__()
        self.tasks = spec["tasks"]
        self.columns = task_dict({t: nn.ModuleList(part(s) for s in spec["columns"][t]) for t in self.tasks})
        depth = len(spec["columns"][self.tasks[0]])
        self.units = nn.ModuleList(CrossStitchUnit(len(self.tasks)) for _ in range(depth))
        self.activation = ACTIVATIONS[spec["activation"]]
        self.dropout = nn.Dropout(spec["dropout"])
        self.towers = parts(spec["towers"])

    def forward(self, x):
        inputs = [x for _ in self.tasks]
        last = len(self.units) - 1
        for layer, unit in enumerate(self.units):
            outs = [self.activation(self.columns[t][layer](inputs[i])) for i, t in enumerate(self.tasks)]
            if layer < last:
                outs = [self.dropout(h) for h in outs]
            inputs = list(unit(torch.stack(outs, 1)).unbind(1))
        return {t: self.towers[t](inputs[i]) for i, t in enumerate(self.tasks)}


class ExtractionLayer(nn.Module):
    def __init__(self, spec):
        super().__init__()
        self.shared = nn.ModuleList(part(s) for s in spec["shared"])
        self.experts = task_dict({t: nn.ModuleList(part(s) for s in e) for t, e in spec["experts"].items()})
        self.gates = parts(spec["gates"])
        if spec["sharedGate"] is not None:
            self.sharedGate = part(spec["sharedGate"])

    def shared_outputs(self, h):
        return torch.stack([e(h) for e in self.shared], 1)

    def task_outputs(self, task, h):
        return [e(h) for e in self.experts[task]]

    def task_mixture(self, task, h, own, shared):
        experts = torch.cat([torch.stack(own, 1), shared], 1) if own else shared
        return mix(self.gates[task](h), experts)

    def shared_mixture(self, h, own, shared):
        flat = [o for task in own for o in task]
        experts = torch.cat([torch.stack(flat, 1), shared], 1) if flat else shared
        return mix(self.sharedGate(h), experts)


def extract(levels, towers, tasks, x):
    """PLE's forward (CGC is one level): shared gates feed the next level, the last level's task gates the towers."""
    shared, inputs = x, [x for _ in tasks]
    for layer in levels[:-1]:
        shared_out = layer.shared_outputs(shared)
        own = [layer.task_outputs(t, inputs[i]) for i, t in enumerate(tasks)]
        inputs = [layer.task_mixture(t, inputs[i], own[i], shared_out) for i, t in enumerate(tasks)]
        shared = layer.shared_mixture(shared, own, shared_out)
    last = levels[-1]
    shared_out = last.shared_outputs(shared)
    return {
        t: towers[t](last.task_mixture(t, inputs[i], last.task_outputs(t, inputs[i]), shared_out))
        for i, t in enumerate(tasks)
    }


class CGC(nn.Module):
    def __init__(self, spec):
        super().__init__()
        self.tasks = spec["tasks"]
        self.extraction = ExtractionLayer(spec["extraction"])
        self.towers = parts(spec["towers"])

    def forward(self, x):
        return extract([self.extraction], self.towers, self.tasks, x)


class PLE(nn.Module):
    def __init__(self, spec):
        super().__init__()
        self.tasks = spec["tasks"]
        self.levels = nn.ModuleList(ExtractionLayer(s) for s in spec["levels"])
        self.towers = parts(spec["towers"])

    def forward(self, x):
        return extract(list(self.levels), self.towers, self.tasks, x)


ARCHITECTURES = {
    "hard-sharing": HardSharing,
    "mmoe": MMoE,
    "dselect-k": DSelectK,
    "cgc": CGC,
    "ple": PLE,
    "cross-stitch": CrossStitch,
}

SAFETENSORS_DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16}


def load_safetensors(path):
    """The tensors of a safetensors file (little-endian, as the format is), by name."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    body = data[8 + n :]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = SAFETENSORS_DTYPES[info["dtype"]]
        if start == end:
            tensors[name] = torch.zeros(info["shape"], dtype=dtype)
        else:
            tensors[name] = torch.frombuffer(bytearray(body[start:end]), dtype=dtype).reshape(info["shape"])
    return tensors


def build_model():
    """A fresh model with this file's structure (PyTorch's default initialisation)."""
    return ARCHITECTURES[SPEC["architecture"]](SPEC)


def load_model(path, dtype=torch.float32):
    """The model with the weights of an mtlgrad safetensors file; every key and shape is checked."""
    model = build_model().to(dtype)
    model.load_state_dict(load_safetensors(path), strict=True)
    return model
`;

const PREPROCESSING = `

def preprocess(x):
    """Raw encoded features [N, F] (columns FEATURE_NAMES) to the standardised input the model reads."""
    x = torch.as_tensor(x, dtype=torch.float32)
    return (x - torch.tensor(FEATURE_MEAN)) / torch.tensor(FEATURE_STD)


def postprocess(outputs):
    """Regression outputs back in the units of the training labels; other tasks unchanged (logits)."""
    return {t: y * TARGETS[t]["std"] + TARGETS[t]["mean"] if t in TARGETS else y for t, y in outputs.items()}
`;

/** A Python literal of JSON-like data (JSON's string escapes are valid in Python strings). */
function pythonLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number' || typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${pythonLiteral(v)}`).join(', ')}}`;
}

function checkPreprocessing(p: PytorchPreprocessing): void {
  const F = p.featureNames?.length;
  if (!Array.isArray(p.featureNames) || p.mean?.length !== F || p.std?.length !== F)
    throw new ValueError(
      `toPytorch: preprocessing needs featureNames, mean and std of one length, got ${F}, ${p.mean?.length}, ${p.std?.length}`,
    );
  const targets = Object.values(p.targets ?? {}).flatMap((t) => [t.mean, t.std]);
  for (const v of [...p.mean, ...p.std, ...targets])
    if (!Number.isFinite(v))
      throw new ValueError(`toPytorch: preprocessing holds a non-finite number (${v})`);
  if (p.std.some((s) => s === 0)) throw new ValueError('toPytorch: preprocessing std must not be 0');
}

/** The Python constants for the spec and, when given, the preprocessing. */
function constants(spec: ModelSpec, preprocessing: PytorchPreprocessing | undefined): string {
  let out = `SPEC = ${pythonLiteral(spec)}\n`;
  if (preprocessing) {
    checkPreprocessing(preprocessing);
    out += `\nFEATURE_NAMES = ${pythonLiteral(preprocessing.featureNames)}\n`;
    out += `FEATURE_MEAN = ${pythonLiteral(preprocessing.mean)}\n`;
    out += `FEATURE_STD = ${pythonLiteral(preprocessing.std)}\n`;
    out += `TARGETS = ${pythonLiteral(preprocessing.targets ?? {})}\n`;
  }
  return out;
}

/**
 * Python source of a PyTorch module for `model` (HardSharing, MMoE, DSelectK, CGC, PLE or CrossStitch built from
 * Linear layers and MLPs): `load_model("m.safetensors")` returns an `nn.Module` whose `forward(x)` gives a dict of task outputs
 * equal to ours, and whose `state_dict()` keys are our state-dict keys, so it can go on training in PyTorch.
 *
 * @example
 * ```ts
 * const source = toPytorch(model); // write it to model.py next to encodeSafetensors(model.stateDict())
 * ```
 * @throws ValueError for a model whose structure cannot be written (see {@link describeModel}).
 */
export function toPytorch(model: Module<unknown, unknown>, options: ToPytorchOptions = {}): string {
  const spec = describeModel(model);
  const title = options.title ?? 'mtlgrad model';
  const header = `"""${title.replace(/"""/g, "'''")}: a ${spec.architecture} network for PyTorch, written by mtlgrad.

Usage:
    model = load_model("model.safetensors")  # nn.Module; state-dict keys as in mtlgrad
    outputs = model(x)  # {task: tensor}: logits for classification/binary tasks, values for regression
"""
`;
  const tail = options.preprocessing ? PREPROCESSING : '';
  return `${header}${LIBRARY}${tail}\n\n${constants(spec, options.preprocessing)}`;
}
