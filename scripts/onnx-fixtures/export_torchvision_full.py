#!/usr/bin/env python3
"""Exports full-size torchvision classifiers with seeded random weights to ONNX (torch's default opset),
with PyTorch's logits for one fixed input, for `npm run verify:onnx` and `npm run bench`'s ONNX rows.
Needs Debian's python3-torch, python3-torchvision, python3-onnx; nothing is downloaded.

    /usr/bin/python3 scripts/onnx-fixtures/export_torchvision_full.py OUT_DIR [name ...]

Writes OUT_DIR/<name>.onnx and <name>.json ({size, inputHash, logits, torchFloat32Error}; the input is hashed() of
export_torch.py) and prints one line per model; a model torch cannot export gets
<name>.json = {size, exportError} instead.
"""
import json
import math
import os
import sys
import time

import torch
import torchvision.models as tv

sys.path.insert(0, os.path.dirname(__file__))
from export_torch import hashed  # noqa: E402

MODELS = {
    'resnet50': (tv.resnet50, 224),
    'mobilenet_v2': (tv.mobilenet_v2, 224),
    'mobilenet_v3_large': (tv.mobilenet_v3_large, 224),
    'efficientnet_b0': (tv.efficientnet_b0, 224),
    'efficientnet_v2_s': (tv.efficientnet_v2_s, 384),
    'convnext_tiny': (tv.convnext_tiny, 224),
    'vit_b_16': (tv.vit_b_16, 224),
    'swin_t': (tv.swin_t, 224),
    'swin_v2_t': (tv.swin_v2_t, 256),
    'regnet_y_400mf': (tv.regnet_y_400mf, 224),
    'densenet121': (tv.densenet121, 224),
    'shufflenet_v2_x1_0': (tv.shufflenet_v2_x1_0, 224),
    'squeezenet1_1': (tv.squeezenet1_1, 224),
    'mnasnet1_0': (tv.mnasnet1_0, 224),
    'googlenet': (lambda: tv.googlenet(init_weights=True, aux_logits=False), 224),
    'inception_v3': (lambda: tv.inception_v3(init_weights=True, aux_logits=False), 299),
}


def randomise(model, seed):
    """torchvision's own (seeded) initialisation, which keeps these deep nets well conditioned, with batch-norm
    statistics off the identity and a random classifier (some heads start at zero: every logit equal)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1, generator=g)
                m.running_var.uniform_(0.5, 1.5, generator=g)
        layers = [m for m in model.modules() if isinstance(m, torch.nn.Linear)] or [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
        head = layers[-1]  # SqueezeNet classifies with a 1×1 convolution
        head.weight.uniform_(-1, 1, generator=g).mul_(math.sqrt(6 / head.weight[0].numel()))
        head.bias.uniform_(-0.2, 0.2, generator=g)


def main():
    out = sys.argv[1]
    names = sys.argv[2:] or list(MODELS)
    os.makedirs(out, exist_ok=True)
    for name in names:
        make, size = MODELS[name]
        seed = sum(map(ord, name))
        torch.manual_seed(seed)
        model = make().eval()
        randomise(model, seed)
        x = torch.tensor(hashed(3 * size * size, seed), dtype=torch.float32).reshape(1, 3, size, size)
        started = time.time()
        meta = {'size': size, 'inputHash': seed}
        try:
            torch.onnx.export(model, x, os.path.join(out, f'{name}.onnx'), input_names=['input'], output_names=['logits'])
            with torch.no_grad():
                logits = model(x)
                exact = model.double()(x.double())
            meta['logits'] = [float(v) for v in logits.flatten()]
            # How far PyTorch's own float32 result is from float64: the oracle's precision on this net.
            meta['torchFloat32Error'] = float((logits.double() - exact).abs().max() / exact.abs().max())
            print(f'{name}: exported in {time.time() - started:.1f} s', flush=True)
        except Exception as err:  # noqa: BLE001 — reported in the table, not fatal
            meta['exportError'] = f'{type(err).__name__}: {str(err).splitlines()[0][:200]}'
            print(f'{name}: export failed: {meta["exportError"]}', flush=True)
        with open(os.path.join(out, f'{name}.json'), 'w') as f:
            json.dump(meta, f)


if __name__ == '__main__':
    main()
