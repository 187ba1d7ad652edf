#!/usr/bin/python3
"""Generate golden reference fixtures from PyTorch for mtlgrad's TypeScript tests.

Run (Debian's torch lives in the system interpreter, not in a pyenv python3):

    apt-get install -y python3-torch        # Debian bookworm: torch 1.13
    /usr/bin/python3 scripts/torch_fixtures.py

The TypeScript test suite only *reads* the files written here, so CI never
needs Python.  Everything is deterministic: each section reseeds torch, and
all arithmetic is float64 unless a case says "float32".  Numbers are written
with Python's json module, which prints floats with repr(), i.e. the shortest
decimal string that round-trips to the exact same float64.  Float32 / float16
/ bfloat16 values are widened to float64 exactly before printing, so
`Math.fround(x) === x` holds for them in JavaScript.

Common encoding
---------------
A tensor is `{"shape": [d0, d1, ...], "data": [flat row-major values]}`.
A scalar shape is `[]` with a one-element `data`.

Files (all under test/fixtures/; see test/fixtures/README.md for more)
----------------------------------------------------------------------
optim.json   -- JSON array of cases:
    {"name", "optimizer": "SGD"|"Adam"|"AdamW",
     "options": {SGD: lr, momentum, dampening, nesterov, weightDecay |
                 Adam/AdamW: lr, betas: [b1, b2], eps, weightDecay, amsgrad},
     "groups"?: [{"paramIndices": [i, ...], "lr", "weightDecay"}, ...],
     "dtype": "float64"|"float32",
     "params": [{"shape", "data"}, ...],            # initial values
     "grads": [step][param] -> flat list,           # p.grad set before step k
     "expected": [step][param] -> flat list}        # p after step k
    When "groups" is present, "options" holds the defaults shared by every
    group and each group overrides lr / weightDecay for its params.

losses.json  -- JSON array of cases:
    {"name", "loss": "cross_entropy"|"binary_cross_entropy_with_logits"|
                     "mse"|"l1"|"huber"|"smooth_l1",
     "options": {"reduction": "mean"|"sum"|"none", plus per loss:
                 cross_entropy: weight?, labelSmoothing?, ignoreIndex?
                 bce_with_logits: posWeight?   huber: delta   smooth_l1: beta},
     "input": tensor (logits / predictions, float64),
     "target": tensor (int labels for cross_entropy, float64 otherwise),
     "mask"?: [bool per row]  (cross_entropy with ignoreIndex: false = ignored),
     "expected": number (mean/sum) | flat list (none),
     "expectedShape": [] | shape of the unreduced loss,
     "grad": flat list = d(sum(loss))/d(input), same shape as input}

layers.json  -- JSON array of cases:
    {"name", "op", "options": {...}, "dtype": "float64",
     "input": tensor, "params": {name: tensor} ({} if none),
     "output": tensor, "R": tensor (same shape as output),
     "gradInput": tensor, "gradParams": {name: tensor}}
    Gradients are of loss = sum(output * R).

init.json    -- object {"torchVersion", "gains": {...}, "cases": [
    {"shape": [out, in], "fanIn", "fanOut",
     "linear": {"inFeatures", "outFeatures", "weightBound", "biasBound"},
     "kaimingUniformBound", "kaimingUniformReluBound", "kaimingNormalReluStd",
     "xavierUniformBound", "xavierNormalStd"}]}

torch_written.safetensors + torch_written.json -- a safetensors file written
    by hand (format below) and an object describing it:
    {"torchVersion", "file", "byteLength", "sha256", "headerLength",
     "metadata": {"format": "pt"},
     "tensors": {key: {"dtype": "F32"|"F64"|"F16"|"BF16", "shape",
                       "dataOffsets": [begin, end], "values": flat float64 list}},
     "model": {"description", "keys", "input": tensor, "output": tensor}}
"""

import hashlib
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures")
MAX_BYTES = 200 * 1024  # keep fixtures small enough to read in a diff

F64 = torch.float64
F32 = torch.float32


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def flat(t):
    """Flat row-major list of Python floats/ints (exact widening to float64)."""
    t = t.detach()
    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.float()  # .tolist() of f32 is exact; do it explicitly for clarity
    return t.reshape(-1).tolist()


def enc(t):
    return {"shape": list(t.shape), "data": flat(t)}


def write_json(name, obj):
    """Write a fixture: one case per line for arrays (diff-friendly, compact).

    allow_nan=False guarantees the output is strict JSON (JSON.parse-able).
    """
    path = os.path.join(OUT, name)
    dump = lambda o: json.dumps(o, allow_nan=False)
    if isinstance(obj, list):
        text = "[\n" + ",\n".join(dump(c) for c in obj) + "\n]\n"
    elif isinstance(obj, dict):
        text = "{\n" + ",\n".join(
            dump(k) + ": " + dump(v) for k, v in obj.items()) + "\n}\n"
    else:
        raise TypeError(type(obj))
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    size = os.path.getsize(path)
    assert size < MAX_BYTES, f"{name} is {size} bytes, over the size budget"
    print(f"wrote {path} ({size} bytes)")


# --------------------------------------------------------------------------
# 1. optimisers
# --------------------------------------------------------------------------

PARAM_SHAPES = [(3, 2), (2,)]
N_STEPS = 6


def make_grad_sequence():
    """6 steps x 2 params of float64 gradients.

    Mostly randn, but with edge cases an implementation can get wrong:
    step 2 has an all-zero gradient for param 0 (state must still advance),
    step 3 has large (1e3 scale) values, step 4 has a few exact zeros mixed in.
    """
    torch.manual_seed(1)
    seq = []
    for step in range(N_STEPS):
        gs = [torch.randn(s, dtype=F64) for s in PARAM_SHAPES]
        if step == 2:
            gs[0] = torch.zeros(PARAM_SHAPES[0], dtype=F64)
        if step == 3:
            gs[0] = gs[0] * 1e3
            gs[1] = gs[1] * 5e2
        if step == 4:
            gs[0].view(-1)[1] = 0.0
            gs[0].view(-1)[4] = 0.0
            gs[1].view(-1)[0] = 0.0
        seq.append(gs)
    return seq


def initial_params():
    torch.manual_seed(0)
    return [torch.randn(s, dtype=F64) for s in PARAM_SHAPES]


def to_torch_kwargs(optimizer, options):
    """camelCase fixture options -> torch keyword arguments."""
    kw = {"lr": options["lr"], "weight_decay": options["weightDecay"]}
    if optimizer == "SGD":
        kw.update(momentum=options["momentum"], dampening=options["dampening"],
                  nesterov=options["nesterov"])
    else:
        kw.update(betas=tuple(options["betas"]), eps=options["eps"],
                  amsgrad=options["amsgrad"])
    return kw


# Full option sets (torch defaults) so the fixture is self-describing: the TS
# side never has to know torch's defaults.  Note AdamW's default weight decay
# is 0.01, not 0 as in Adam.  SGD has no default lr in torch 1.13; we use 0.1.
SGD_DEFAULTS = {"lr": 0.1, "momentum": 0.0, "dampening": 0.0,
                "nesterov": False, "weightDecay": 0.0}
ADAM_DEFAULTS = {"lr": 1e-3, "betas": [0.9, 0.999], "eps": 1e-8,
                 "weightDecay": 0.0, "amsgrad": False}
ADAMW_DEFAULTS = dict(ADAM_DEFAULTS, weightDecay=1e-2)


def run_optim_case(name, optimizer, overrides, dtype="float64", groups=None):
    defaults = {"SGD": SGD_DEFAULTS, "Adam": ADAM_DEFAULTS,
                "AdamW": ADAMW_DEFAULTS}[optimizer]
    options = dict(defaults, **overrides)
    tdtype = {"float64": F64, "float32": F32}[dtype]

    # Same starting point and gradients for every case; float32 cases round
    # them to float32 first and record the rounded values.
    params = [p.to(tdtype).requires_grad_(True) for p in initial_params()]
    grads = [[g.to(tdtype) for g in step] for step in make_grad_sequence()]

    cls = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam,
           "AdamW": torch.optim.AdamW}[optimizer]
    kw = to_torch_kwargs(optimizer, options)
    if groups is None:
        opt = cls(params, **kw)
    else:
        torch_groups = []
        for g in groups:
            tg = {"params": [params[i] for i in g["paramIndices"]]}
            if "lr" in g:
                tg["lr"] = g["lr"]
            if "weightDecay" in g:
                tg["weight_decay"] = g["weightDecay"]
            torch_groups.append(tg)
        opt = cls(torch_groups, **kw)

    case = {"name": name, "optimizer": optimizer, "options": options}
    if groups is not None:
        case["groups"] = groups
    case.update(dtype=dtype, params=[enc(p) for p in params],
                grads=[], expected=[])
    for step_grads in grads:
        # Setting .grad directly (no backward) isolates the optimiser maths.
        for p, g in zip(params, step_grads):
            p.grad = g.clone()
        opt.step()
        case["grads"].append([flat(g) for g in step_grads])
        case["expected"].append([flat(p) for p in params])
    return case


def optim_cases():
    c = []
    c.append(run_optim_case("sgd_plain", "SGD", {}))
    c.append(run_optim_case("sgd_momentum", "SGD", {"momentum": 0.9}))
    # torch initialises the momentum buffer to the raw grad on the first step
    # (no dampening applied there); dampening applies from step 2 on.
    c.append(run_optim_case("sgd_momentum_dampening", "SGD",
                            {"momentum": 0.9, "dampening": 0.1}))
    c.append(run_optim_case("sgd_nesterov", "SGD",
                            {"momentum": 0.9, "nesterov": True}))
    c.append(run_optim_case("sgd_weight_decay_momentum", "SGD",
                            {"momentum": 0.9, "weightDecay": 0.1}))
    c.append(run_optim_case("adam_defaults", "Adam", {}))
    # Adam's weight decay is L2 (added to the gradient), unlike AdamW.
    c.append(run_optim_case("adam_weight_decay", "Adam", {"weightDecay": 0.05}))
    c.append(run_optim_case("adam_amsgrad", "Adam", {"amsgrad": True}))
    c.append(run_optim_case("adam_betas_eps_lr", "Adam",
                            {"betas": [0.8, 0.99], "eps": 1e-6, "lr": 0.01}))
    c.append(run_optim_case("adamw_defaults", "AdamW", {}))
    c.append(run_optim_case("adamw_weight_decay_amsgrad", "AdamW",
                            {"weightDecay": 0.1, "amsgrad": True}))
    c.append(run_optim_case("adam_defaults_float32", "Adam", {},
                            dtype="float32"))
    c.append(run_optim_case("adamw_defaults_float32", "AdamW", {},
                            dtype="float32"))
    # Per-group hyper-parameters: each group overrides lr and weightDecay.
    c.append(run_optim_case(
        "adam_param_groups", "Adam", {"lr": 1e-3},
        groups=[{"paramIndices": [0], "lr": 0.01, "weightDecay": 0.0},
                {"paramIndices": [1], "lr": 0.003, "weightDecay": 0.1}]))
    c.append(run_optim_case(
        "adamw_param_groups", "AdamW", {"lr": 1e-3},
        groups=[{"paramIndices": [0], "lr": 0.01, "weightDecay": 0.0},
                {"paramIndices": [1], "lr": 0.003, "weightDecay": 0.1}]))
    return c


# --------------------------------------------------------------------------
# 2. losses
# --------------------------------------------------------------------------

def loss_case(name, loss, options, fn, inp, target, extra=None):
    """Evaluate fn(input) and d(sum(loss))/d(input) in float64."""
    x = inp.detach().clone().to(F64).requires_grad_(True)
    out = fn(x)
    out.sum().backward()  # sum() is the identity for scalar losses
    case = {"name": name, "loss": loss, "options": options,
            "input": enc(x), "target": enc(target)}
    if extra:
        case.update(extra)
    case["expected"] = out.item() if out.dim() == 0 else flat(out)
    case["expectedShape"] = list(out.shape)
    case["grad"] = flat(x.grad)
    return case


def cross_entropy_cases():
    torch.manual_seed(2)
    logits = torch.randn(5, 4, dtype=F64) * 2
    labels = torch.tensor([2, 0, 3, 1, 2], dtype=torch.int64)
    weight = torch.tensor([0.5, 2.0, 1.0, 1.5], dtype=F64)
    ignored = labels.clone()
    ignored[1] = -100
    ignored[3] = -100
    mask = {"mask": [bool(v != -100) for v in ignored.tolist()]}
    # Huge logits: a naive exp() overflows; log-softmax must subtract the max.
    big = torch.tensor([[1e4, -1e4, 0.5, 1e4 - 1],
                        [-1e4, -1e4, -1e4, -1e4 + 3],
                        [1e4, 1e4, 1e4, 1e4],
                        [-1e4, 1e4, -1e4, 1e4],
                        [0.0, 1e4, -1e4, 2.0]], dtype=F64)

    cases = []

    def add(name, opts, inp, tgt, extra=None):
        kw = {"reduction": opts["reduction"]}
        if "weight" in opts:
            kw["weight"] = torch.tensor(opts["weight"], dtype=F64)
        if "labelSmoothing" in opts:
            kw["label_smoothing"] = opts["labelSmoothing"]
        if "ignoreIndex" in opts:
            kw["ignore_index"] = opts["ignoreIndex"]
        cases.append(loss_case(name, "cross_entropy", opts,
                               lambda x: F.cross_entropy(x, tgt, **kw),
                               inp, tgt, extra))

    w = weight.tolist()
    for red in ("mean", "sum", "none"):
        add(f"ce_{red}", {"reduction": red}, logits, labels)
    # Weighted mean divides by sum of weight[label], not by the row count.
    for red in ("mean", "sum", "none"):
        add(f"ce_weight_{red}", {"reduction": red, "weight": w}, logits, labels)
    for red in ("mean", "sum", "none"):
        add(f"ce_label_smoothing_{red}",
            {"reduction": red, "labelSmoothing": 0.1}, logits, labels)
    for red in ("mean", "sum", "none"):
        add(f"ce_label_smoothing_weight_{red}",
            {"reduction": red, "weight": w, "labelSmoothing": 0.1},
            logits, labels)
    # ignore_index == our "mask": ignored rows give loss 0 and zero gradient;
    # 'mean' divides by the (weighted) count of the rows that remain.
    for red in ("mean", "sum", "none"):
        add(f"ce_ignore_index_{red}", {"reduction": red, "ignoreIndex": -100},
            logits, ignored, mask)
    add("ce_ignore_index_weight_mean",
        {"reduction": "mean", "weight": w, "ignoreIndex": -100},
        logits, ignored, mask)
    add("ce_ignore_index_label_smoothing_mean",
        {"reduction": "mean", "labelSmoothing": 0.1, "ignoreIndex": -100},
        logits, ignored, mask)
    add("ce_ignore_index_label_smoothing_weight_mean",
        {"reduction": "mean", "weight": w, "labelSmoothing": 0.1,
         "ignoreIndex": -100}, logits, ignored, mask)
    for red in ("mean", "none"):
        add(f"ce_large_logits_{red}", {"reduction": red}, big, labels)
    add("ce_large_logits_label_smoothing_mean",
        {"reduction": "mean", "labelSmoothing": 0.1}, big, labels)
    return cases


def bce_cases():
    torch.manual_seed(3)
    x6 = torch.randn(6, dtype=F64) * 2
    t6 = torch.tensor([1.0, 0.0, 0.3, 1.0, 0.0, 1.0], dtype=F64)  # one soft
    x32 = torch.randn(3, 2, dtype=F64) * 2
    t32 = torch.tensor([[0.0, 1.0], [1.0, 0.3], [0.0, 0.0]], dtype=F64)
    # Large-magnitude logits: log(sigmoid(x)) must not go through sigmoid.
    xbig = torch.tensor([-1e4, -50.0, -20.0, 20.0, 50.0, 1e4], dtype=F64)
    tbig = torch.tensor([1.0, 1.0, 0.0, 0.0, 0.3, 1.0], dtype=F64)

    cases = []

    def add(name, opts, x, t):
        kw = {"reduction": opts["reduction"]}
        if "posWeight" in opts:
            kw["pos_weight"] = torch.tensor(opts["posWeight"], dtype=F64)
        cases.append(loss_case(
            name, "binary_cross_entropy_with_logits", opts,
            lambda z: F.binary_cross_entropy_with_logits(z, t, **kw), x, t))

    for red in ("mean", "sum", "none"):
        add(f"bce_logits_1d_{red}", {"reduction": red}, x6, t6)
        add(f"bce_logits_2d_{red}", {"reduction": red}, x32, t32)
    # pos_weight broadcasts along the last dimension (one weight per class).
    for red in ("mean", "none"):
        add(f"bce_logits_pos_weight_1d_{red}",
            {"reduction": red, "posWeight": [2.0, 0.5, 3.0, 1.0, 1.5, 0.25]},
            x6, t6)
        add(f"bce_logits_pos_weight_2d_{red}",
            {"reduction": red, "posWeight": [2.0, 0.5]}, x32, t32)
    add("bce_logits_large_none", {"reduction": "none"}, xbig, tbig)
    return cases


def regression_cases():
    torch.manual_seed(4)
    target = torch.randn(3, 4, dtype=F64)
    # Differences straddle 0.5 and 1.0 (the Huber/SmoothL1 switch points) and
    # are never exactly 0, so |x| has a well-defined derivative everywhere.
    diff = torch.tensor([[0.1, -0.3, 0.45, -0.7],
                         [0.9, -1.2, 2.5, -3.0],
                         [0.55, -0.05, 1.6, -0.2]], dtype=F64)
    pred = target + diff

    specs = [
        ("mse", {}, lambda o: nn.MSELoss(**o)),
        ("l1", {}, lambda o: nn.L1Loss(**o)),
        ("huber", {"delta": 1.0}, lambda o: nn.HuberLoss(**o)),
        ("huber", {"delta": 0.5}, lambda o: nn.HuberLoss(**o)),
        ("smooth_l1", {"beta": 1.0}, lambda o: nn.SmoothL1Loss(**o)),
        ("smooth_l1", {"beta": 0.5}, lambda o: nn.SmoothL1Loss(**o)),
    ]
    cases = []
    for loss, extra_opts, make in specs:
        suffix = "".join(f"_{k}{v}" for k, v in extra_opts.items())
        for red in ("mean", "sum", "none"):
            opts = dict({"reduction": red}, **extra_opts)
            mod = make(opts)
            cases.append(loss_case(f"{loss}{suffix}_{red}", loss, opts,
                                   lambda x: mod(x, target), pred, target))
    return cases


# --------------------------------------------------------------------------
# 3. layers and activations
# --------------------------------------------------------------------------

def layer_case(name, op, options, fn, inp, params=None):
    """Forward fn(input, **params) and backprop loss = sum(out * R)."""
    x = inp.detach().clone().requires_grad_(True)
    ps = {k: v.detach().clone().requires_grad_(True)
          for k, v in (params or {}).items()}
    out = fn(x, **ps)
    R = torch.randn(out.shape, dtype=F64)  # drawn from the section's seed
    (out * R).sum().backward()
    return {"name": name, "op": op, "options": options, "dtype": "float64",
            "input": enc(x), "params": {k: enc(v) for k, v in ps.items()},
            "output": enc(out), "R": enc(R), "gradInput": enc(x.grad),
            "gradParams": {k: enc(v.grad) for k, v in ps.items()}}


def layer_cases():
    torch.manual_seed(5)
    cases = []

    # nn.Linear(4, 3): y = x W^T + b, weight stored [out, in] like torch.
    lin = nn.Linear(4, 3).double()
    with torch.no_grad():
        lin.weight.copy_(torch.randn(3, 4, dtype=F64))
        lin.bias.copy_(torch.randn(3, dtype=F64))

    def linear_fn(x, weight, bias):
        return F.linear(x, weight, bias)
    cases.append(layer_case(
        "linear_4_3", "linear", {"inFeatures": 4, "outFeatures": 3},
        linear_fn, torch.randn(5, 4, dtype=F64),
        {"weight": lin.weight, "bias": lin.bias}))

    # LayerNorm uses the biased variance (divide by N) inside sqrt(var + eps).
    def ln_fn(x, weight, bias):
        return F.layer_norm(x, (5,), weight, bias, eps=1e-5)
    cases.append(layer_case(
        "layer_norm_5", "layer_norm",
        {"normalizedShape": [5], "eps": 1e-5, "elementwiseAffine": True},
        ln_fn, torch.randn(3, 5, dtype=F64) * 2 + 0.5,
        {"weight": torch.randn(5, dtype=F64), "bias": torch.randn(5, dtype=F64)}))

    # Activation input: randn * 3 plus points around softplus's threshold (20)
    # and in the saturated tails.  No element is exactly 0 (kinks/ties).
    act_in = torch.cat([torch.randn(15, dtype=F64) * 3,
                        torch.tensor([-25.0, -5.5, 19.5, 20.5, 25.0],
                                     dtype=F64)]).reshape(4, 5)
    assert bool((act_in != 0).all())
    acts = [
        ("gelu", "gelu", {"approximate": "none"},
         lambda x: F.gelu(x)),
        ("gelu_tanh", "gelu", {"approximate": "tanh"},
         lambda x: F.gelu(x, approximate="tanh")),
        ("softplus", "softplus", {"beta": 1.0, "threshold": 20.0},
         lambda x: F.softplus(x, beta=1, threshold=20)),
        ("leaky_relu_0.01", "leaky_relu", {"negativeSlope": 0.01},
         lambda x: F.leaky_relu(x, 0.01)),
        ("leaky_relu_0.2", "leaky_relu", {"negativeSlope": 0.2},
         lambda x: F.leaky_relu(x, 0.2)),
        ("sigmoid", "sigmoid", {}, torch.sigmoid),
        ("tanh", "tanh", {}, torch.tanh),
    ]
    for name, op, opts, fn in acts:
        cases.append(layer_case(name, op, opts, fn, act_in))

    # Reductions over a [3, 4] input, including a row with a large offset so
    # a max-subtracting implementation is exercised.
    sm_in = torch.randn(3, 4, dtype=F64) * 2
    sm_in[2] += 500.0
    for dim in (1, 0):
        cases.append(layer_case(f"log_softmax_dim{dim}", "log_softmax",
                                {"dim": dim},
                                lambda x, d=dim: F.log_softmax(x, dim=d), sm_in))
        cases.append(layer_case(f"softmax_dim{dim}", "softmax", {"dim": dim},
                                lambda x, d=dim: F.softmax(x, dim=d), sm_in))
    cases.append(layer_case("logsumexp_dim1", "logsumexp",
                            {"dim": 1, "keepdim": False},
                            lambda x: torch.logsumexp(x, dim=1), sm_in))
    return cases


# --------------------------------------------------------------------------
# 4. initialisation bounds (not values: our RNG differs from torch's)
# --------------------------------------------------------------------------

def init_fixture():
    fan = nn.init._calculate_fan_in_and_fan_out
    gain = nn.init.calculate_gain
    cases = []
    for shape in ([64, 128], [10, 32]):
        w = torch.empty(shape, dtype=F64)
        fan_in, fan_out = fan(w)
        # nn.Linear.reset_parameters: kaiming_uniform_(a=sqrt(5)) on the weight
        # (bound = gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in)), and
        # uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) on the bias.
        ku_bound = gain("leaky_relu", math.sqrt(5)) * math.sqrt(3.0 / fan_in)
        bias_bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        # kaiming_uniform_/kaiming_normal_ defaults: a=0, mode='fan_in',
        # nonlinearity='leaky_relu' -> gain sqrt(2), the same as 'relu'.
        ku_relu_bound = gain("relu") * math.sqrt(3.0 / fan_in)
        kn_std = gain("relu") / math.sqrt(fan_in)
        xu_bound = 1.0 * math.sqrt(6.0 / (fan_in + fan_out))
        xn_std = 1.0 * math.sqrt(2.0 / (fan_in + fan_out))

        # Sanity-check the formulas against torch's own initialisers.
        torch.manual_seed(6)
        lin = nn.Linear(shape[1], shape[0]).double()
        assert lin.weight.abs().max().item() <= ku_bound
        assert lin.bias.abs().max().item() <= bias_bound
        big = torch.empty(4000, shape[1], dtype=F64)  # same fan_in, many samples
        nn.init.kaiming_uniform_(big, a=math.sqrt(5))
        assert ku_bound * 0.99 < big.abs().max().item() <= ku_bound
        nn.init.kaiming_uniform_(big, nonlinearity="relu")
        assert ku_relu_bound * 0.99 < big.abs().max().item() <= ku_relu_bound
        nn.init.kaiming_normal_(big, nonlinearity="relu")
        assert abs(big.std().item() / kn_std - 1) < 0.02
        nn.init.xavier_uniform_(w)
        assert w.abs().max().item() <= xu_bound
        nn.init.xavier_normal_(w)
        assert abs(w.std().item() / xn_std - 1) < 0.1

        cases.append({
            "shape": shape, "fanIn": fan_in, "fanOut": fan_out,
            "linear": {"inFeatures": shape[1], "outFeatures": shape[0],
                       "weightBound": ku_bound, "biasBound": bias_bound},
            "kaimingUniformBound": ku_bound,          # a = sqrt(5)
            "kaimingUniformReluBound": ku_relu_bound,  # a = 0 / relu
            "kaimingNormalReluStd": kn_std,
            "xavierUniformBound": xu_bound,
            "xavierNormalStd": xn_std,
        })
    gains = {
        "linear": gain("linear"), "sigmoid": gain("sigmoid"),
        "tanh": gain("tanh"), "relu": gain("relu"),
        "leaky_relu_0.01": gain("leaky_relu"),
        "leaky_relu_sqrt5": gain("leaky_relu", math.sqrt(5)),
        "selu": gain("selu"),
    }
    return {"torchVersion": torch.__version__, "gains": gains, "cases": cases}


# --------------------------------------------------------------------------
# 5. safetensors written by hand (no safetensors package needed)
# --------------------------------------------------------------------------
# Format: u64 little-endian N, then N bytes of UTF-8 JSON header mapping each
# tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets are
# relative to the first byte after the header) plus "__metadata__", padded with
# spaces so the data section starts 8-byte aligned; then the raw little-endian
# tensor bytes back to back in header order.

ST_DTYPES = {F32: ("F32", "<f4"), F64: ("F64", "<f8"),
             torch.float16: ("F16", "<f2"), torch.bfloat16: ("BF16", "<i2")}


def raw_bytes(t):
    t = t.detach().contiguous()
    name, np_dtype = ST_DTYPES[t.dtype]
    if t.dtype == torch.bfloat16:
        # numpy has no bfloat16: reinterpret the 16 bits as int16.
        arr = t.view(torch.int16).numpy()
    else:
        arr = t.numpy()
    return arr.astype(np_dtype, copy=False).tobytes()  # force little-endian


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {}, [], 0
    for key, t in tensors.items():
        b = raw_bytes(t)
        header[key] = {"dtype": ST_DTYPES[t.dtype][0], "shape": list(t.shape),
                       "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    header["__metadata__"] = metadata
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hjson += b" " * (-len(hjson) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for b in blobs:
            f.write(b)
    return header, len(hjson)


def read_safetensors(path):
    """Minimal independent reader used to check what we wrote round-trips."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = data[8 + n:]
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        b, e = v["data_offsets"]
        chunk = body[b:e]
        if v["dtype"] == "BF16":
            t = torch.from_numpy(np.frombuffer(chunk, "<i2").copy())
            t = t.view(torch.bfloat16)
        else:
            np_dtype = {"F32": "<f4", "F64": "<f8", "F16": "<f2"}[v["dtype"]]
            t = torch.from_numpy(np.frombuffer(chunk, np_dtype).copy())
        out[k] = t.reshape(v["shape"])
    return out, header


def safetensors_fixture():
    torch.manual_seed(7)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))  # f32
    tensors = dict(model.state_dict())  # "0.weight", "0.bias", "2.weight", ...
    tensors["extra.f64"] = torch.tensor([[1.0 / 3.0, -2.5, 1e-300],
                                         [math.pi, -1e300, 0.1]], dtype=F64)
    # F16 values: rounding (1/3, 0.1), max finite 65504, a subnormal (1e-5),
    # a negative.  F16/BF16 "values" in the JSON are the rounded values.
    tensors["extra.f16"] = torch.tensor([1.0 / 3.0, 0.1, 65504.0, 1e-5, -2.75],
                                        dtype=torch.float16)
    # BF16 keeps float32's exponent range with an 8-bit mantissa.
    tensors["extra.bf16"] = torch.tensor([[1.0 / 3.0, math.pi, -1e30],
                                          [1e-30, 256.5, -0.0078125]],
                                         dtype=torch.bfloat16)
    metadata = {"format": "pt"}
    st_path = os.path.join(OUT, "torch_written.safetensors")
    header, hlen = write_safetensors(st_path, tensors, metadata)

    # Round-trip check, bit for bit.
    back, _ = read_safetensors(st_path)
    for k, t in tensors.items():
        assert back[k].dtype == t.dtype and back[k].shape == t.shape, k
        assert raw_bytes(back[k]) == raw_bytes(t), k

    x = torch.randn(2, 3, dtype=F32)
    with torch.no_grad():
        y = model(x)
    with open(st_path, "rb") as f:
        blob = f.read()
    print(f"wrote {st_path} ({len(blob)} bytes)")
    return {
        "torchVersion": torch.__version__,
        "file": "torch_written.safetensors",
        "byteLength": len(blob),
        "sha256": hashlib.sha256(blob).hexdigest(),
        "headerLength": hlen,
        "metadata": metadata,
        "tensors": {k: {"dtype": header[k]["dtype"],
                        "shape": header[k]["shape"],
                        "dataOffsets": header[k]["data_offsets"],
                        "values": flat(t)} for k, t in tensors.items()},
        "model": {
            "description": "nn.Sequential(nn.Linear(3,4), nn.ReLU(), "
                           "nn.Linear(4,2)), float32; output = model(input)",
            "keys": ["0.weight", "0.bias", "2.weight", "2.bias"],
            "input": enc(x), "output": enc(y)},
    }


# --------------------------------------------------------------------------

def main():
    # No torch.set_default_dtype: every tensor names its dtype explicitly, and
    # the safetensors model must stay float32 (torch's default).
    os.makedirs(OUT, exist_ok=True)
    print(f"torch {torch.__version__}")
    write_json("optim.json", optim_cases())
    write_json("losses.json",
               cross_entropy_cases() + bce_cases() + regression_cases())
    write_json("layers.json", layer_cases())
    write_json("init.json", init_fixture())
    st = safetensors_fixture()  # writes the .safetensors itself
    write_json("torch_written.json", st)


if __name__ == "__main__":
    main()
