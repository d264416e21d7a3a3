#!/usr/bin/env python3
"""PyTorch CPU reference for the speed goal of `npm run bench`: one attack step on MobileNet v1 0.75
(224 px, batch 1) = forward + gradient of the logit margin with respect to the input, in eval mode.

Not part of CI. Needs Debian's python3-torch (run it with /usr/bin/python3). The weights are random:
time depends on the architecture only (Keras MobileNet v1: 3x3 stem, 13 depthwise-separable blocks with
batch norm and ReLU6, average pool, 1x1 conv to 1000 logits).
Usage: /usr/bin/python3 scripts/torch-step-bench.py [steps=30] [alpha=0.75]
"""
import statistics
import sys
import time

import torch
from torch import nn

STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else 30
ALPHA = float(sys.argv[2]) if len(sys.argv) > 2 else 0.75


def conv_bn(cin, cout, stride, groups=1, k=3):
    return [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout), nn.ReLU6()]


def mobilenet_v1(alpha):
    c = lambda n: int(n * alpha)
    plan = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]
    layers, cin = conv_bn(3, c(32), 2), c(32)
    for cout, stride in plan:
        layers += conv_bn(cin, cin, stride, groups=cin) + conv_bn(cin, c(cout), 1, k=1)
        cin = c(cout)
    layers += [nn.AdaptiveAvgPool2d(1), nn.Conv2d(cin, 1000, 1), nn.Flatten()]
    return nn.Sequential(*layers).eval()


def step_times(model, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x = torch.rand(1, 3, 224, 224)
    label = 0
    times = []
    for i in range(STEPS + 3):
        t0 = time.perf_counter()
        xi = x.clone().requires_grad_(True)
        logits = model(xi * 2 - 1)
        other = logits.clone()
        other[0, label] = -float('inf')
        margin = logits[0, label] - other.max()
        (grad,) = torch.autograd.grad(margin, xi)
        x = (x - 1e-3 * grad / grad.norm()).clamp(0, 1).detach()
        if i >= 3:  # warm-up
            times.append((time.perf_counter() - t0) * 1000)
    return times


model = mobilenet_v1(ALPHA)
print(f'torch {torch.__version__}, MobileNet v1 {ALPHA}, 224 px, batch 1, {STEPS} steps after 3 warm-up steps')
for threads in sorted({1, torch.get_num_interop_threads(), max(1, torch.multiprocessing.cpu_count())}):
    t = step_times(model, threads)
    print(f'  {threads} thread(s): median {statistics.median(t):.1f} ms per attack step (min {min(t):.1f}, max {max(t):.1f})')
