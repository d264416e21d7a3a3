#!/usr/bin/env python3
"""Exports small random-weight PyTorch classifiers to ONNX, with PyTorch's own logits, for the
AlignScope ONNX importer's tests (issues 10 and 17). Run by a developer; not in CI.

    apt-get install -y python3-torch python3-torchvision python3-onnx   # Debian 12: torch 1.13.1
    /usr/bin/python3 scripts/onnx-fixtures/export_torch.py

Besides the hand-written nets below, every torchvision family (narrowed: channel counts divided by
8 or 16, seeded random weights, small images; Inception v3 at 299) and the constant subgraphs that
motivated issue 17: Swin's shifted-window masks and timm's Conv2dSame pads computed from the input shape.

Writes src/core/importers/onnx/fixtures/torch/<name>.onnx and <name>.json. The JSON has the same
fields as the Node generator's (generate.mjs), so fixtures.test.ts checks these files too:
  inputHash  the fixed input (flattened NCHW, values in [0, 1)) is hashed(i, inputHash) and the
             gradient check's direction 2 * hashed(i, inputHash + 1) - 1: see hashed() below
  logits     PyTorch float32 logits for that input (the final softmax of a net is not applied)
  gradientCheck.derivative  d/dt sum(weights * logits(input + t * direction)) at t = 0, exact,
             from PyTorch autograd in float64 (h = 0 marks it as exact rather than a finite difference)

Between them the nets use every operator the importer supports, in the forms torch.onnx emits for
ResNet, MobileNetV2/V3, EfficientNet (TF "same" padding), ConvNeXt and ViT/DeiT.
"""
import inspect
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'core', 'importers', 'onnx', 'fixtures', 'torch')
CLASSES = 10


class Residual(nn.Module):
    """ResNet basic block + stem: Conv/BN/ReLU, MaxPool with padding, identity add."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        self.a = nn.Sequential(nn.Conv2d(8, 8, 3, 1, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.b = nn.Sequential(nn.Conv2d(8, 8, 3, 1, 1, bias=False), nn.BatchNorm2d(8))
        self.head = nn.Linear(8, CLASSES)

    def forward(self, x):
        x = self.stem(x)
        x = F.relu(x + self.b(self.a(x)))
        x = F.adaptive_avg_pool2d(x, 1)
        return self.head(torch.flatten(x, 1))


class WithSoftmax(nn.Module):
    """Probabilities out, as many exported classifiers give: the importer drops the final Softmax."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return torch.softmax(self.inner(x), dim=1)


class MobileV3(nn.Module):
    """MobileNetV2/V3: ReLU6 (Clip), depthwise conv, squeeze-excite with Hardsigmoid, Hardswish, AvgPool, Dropout, view()."""

    def __init__(self):
        super().__init__()
        self.expand = nn.Sequential(nn.Conv2d(3, 12, 1), nn.BatchNorm2d(12), nn.ReLU6())
        self.dw = nn.Sequential(nn.Conv2d(12, 12, 3, 2, 1, groups=12), nn.BatchNorm2d(12), nn.Hardswish())
        self.dilated = nn.Conv2d(12, 12, 3, 1, 2, dilation=2, groups=12)
        self.se1 = nn.Conv2d(12, 4, 1)
        self.se2 = nn.Conv2d(4, 12, 1)
        self.project = nn.Sequential(nn.Conv2d(12, 6, 1, groups=2), nn.BatchNorm2d(6))
        self.pool = nn.AvgPool2d(2, 2, ceil_mode=True, count_include_pad=False)
        self.drop = nn.Dropout(0.2)
        self.head = nn.Linear(6 * 8 * 8, CLASSES)

    def forward(self, x):
        y = self.dilated(self.dw(self.expand(x)))
        s = F.hardsigmoid(self.se2(F.relu(self.se1(y.mean((2, 3), keepdim=True)))))
        y = self.pool(self.project(y * s))
        return self.head(self.drop(y.view(y.size(0), -1)))


class EfficientSame(nn.Module):
    """timm tf_efficientnet: TF-"same" padding computed from the input size (Pad), SiLU (Sigmoid·Mul), tanh, erf."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, 2)
        self.conv2 = nn.Conv2d(8, 8, 3, 1, 1)
        self.head = nn.Linear(8, CLASSES)

    def forward(self, x):
        ih, iw = x.shape[-2:]
        pad_h = max((math.ceil(ih / 2) - 1) * 2 + 3 - ih, 0)
        pad_w = max((math.ceil(iw / 2) - 1) * 2 + 3 - iw, 0)
        x = F.pad(x, [pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2])
        x = F.silu(self.conv(x))
        x = torch.tanh(self.conv2(x)) + torch.erf(x) * 0.5
        x = x.mean(dim=(2, 3))
        return self.head(x)


class LayerNorm2d(nn.LayerNorm):
    def forward(self, x):
        return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class ConvNeXtBlock(nn.Module):
    """ConvNeXt: 7×7 depthwise, channels-last LayerNorm via permute, Linear on NHWC, exact GELU, layer scale, sqrt/pow/div."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 4, 4)
        self.norm0 = LayerNorm2d(8, eps=1e-6)
        self.dw = nn.Conv2d(8, 8, 7, padding=3, groups=8)
        self.norm = nn.LayerNorm(8, eps=1e-6)
        self.fc1 = nn.Linear(8, 16)
        self.fc2 = nn.Linear(16, 8)
        self.gamma = nn.Parameter(torch.rand(8))
        self.head = nn.Linear(8, CLASSES)

    def forward(self, x):
        x = self.norm0(self.stem(x))
        y = self.dw(x).permute(0, 2, 3, 1)
        y = self.fc2(F.gelu(self.fc1(self.norm(y))))
        x = x + (self.gamma * y).permute(0, 3, 1, 2)
        x = x.mean((-2, -1))
        x = x / torch.sqrt(x.pow(2).mean(-1, keepdim=True) + 1e-3)  # RMS-normalise: Pow, ReduceMean, Sqrt, Div
        return self.head(x)


class TinyViT(nn.Module):
    """ViT/DeiT: patch embed, flatten(2).transpose, cls token expand, position embedding, attention with unbind, tanh-GELU."""

    def __init__(self, dim=8, heads=2):
        super().__init__()
        self.heads = heads
        self.patch = nn.Conv2d(3, dim, 4, 4)
        self.cls = nn.Parameter(torch.randn(1, 1, dim) * 0.5)
        self.pos = nn.Parameter(torch.randn(1, 65, dim) * 0.2)
        self.head_dim = dim // heads
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp1 = nn.Linear(dim, 2 * dim)
        self.mlp2 = nn.Linear(2 * dim, dim)
        self.head = nn.Linear(dim, CLASSES)

    def forward(self, x):
        x = self.patch(x).flatten(2).transpose(1, 2)
        b, n, d = x.shape
        x = torch.cat([self.cls.expand(b, -1, -1), x], dim=1) + self.pos
        qkv = self.qkv(self.norm1(x)).reshape(b, n + 1, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        att = (q @ k.transpose(-2, -1)) * self.head_dim ** -0.5
        y = (att.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, n + 1, d)
        x = x + self.proj(y)
        x = x + self.mlp2(F.gelu(self.mlp1(self.norm2(x)), approximate='tanh'))
        return self.head(x[:, 0])


class SigmoidHead(nn.Module):
    """Sigmoid, Hardsigmoid and Hardswish on a flattened map; Gemm with a transposed weight; Slice and Concat of features."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, 2, 1)
        self.fc = nn.Linear(4 * 16 * 16 + 64, CLASSES)

    def forward(self, x):
        y = self.conv(x)
        a = torch.sigmoid(y[:, :2])
        b = F.hardswish(y[:, 2:])
        y = torch.cat([a, b], 1).flatten(1)
        return self.fc(torch.cat([y, F.hardsigmoid(y[:, ::16])], 1))


NETS = {'tf_same_mobile': lambda: TfSameMobile(), 'resnet': lambda: WithSoftmax(Residual()), 'mobilenetv3': MobileV3, 'efficientnet_same': EfficientSame, 'convnext': ConvNeXtBlock, 'vit': TinyViT, 'slices': SigmoidHead}


def randomise(model, generator):
    """Random weights and batch-norm statistics, so every parameter matters."""
    with torch.no_grad():
        for p in model.parameters():
            p.copy_((torch.rand(p.shape, generator=generator) * 2 - 1) * 0.5)
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.rand(m.num_features, generator=generator) * 0.4 - 0.2)
                m.running_var.copy_(torch.rand(m.num_features, generator=generator) + 0.5)


class TimmConv2dSame(nn.Conv2d):
    """timm's Conv2dSame (tf_* models): pads computed from the input's shape with Python math at trace time."""

    def forward(self, x):
        ih, iw = x.size()[-2:]
        pad_h = max((math.ceil(ih / self.stride[0]) - 1) * self.stride[0] + (self.kernel_size[0] - 1) * self.dilation[0] + 1 - ih, 0)
        pad_w = max((math.ceil(iw / self.stride[1]) - 1) * self.stride[1] + (self.kernel_size[1] - 1) * self.dilation[1] + 1 - iw, 0)
        x = F.pad(x, (pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2), value=0)
        return F.conv2d(x, self.weight, self.bias, self.stride, (0, 0), self.dilation, self.groups)


class TfSameMobile(nn.Module):
    """A tf_mobilenet-style stem and depthwise block built from Conv2dSame (stride 2, odd and even sizes)."""

    def __init__(self):
        super().__init__()
        self.stem = TimmConv2dSame(3, 8, 3, 2, bias=False)
        self.bn = nn.BatchNorm2d(8)
        self.dw = TimmConv2dSame(8, 8, 5, 2, groups=8)
        self.head = nn.Linear(8, CLASSES)

    def forward(self, x):
        x = F.relu6(self.bn(self.stem(x)))
        x = F.relu6(self.dw(x))
        return self.head(x.mean((2, 3)))


class OpNet(nn.Module):
    """A conv stem (so the op sees an image-like map), one operator under test, a linear head."""

    def __init__(self, op, channels=8, size=8):
        super().__init__()
        self.stem = nn.Conv2d(3, channels, 3, 2, 1)
        self.op = op
        self.head = nn.Linear(channels * size * size, CLASSES)

    def forward(self, x):
        y = self.op(self.stem(x))
        return self.head(y.flatten(1))


class Lambda(nn.Module):
    def __init__(self, f, *modules):
        super().__init__()
        self.f = f
        self.parts = nn.ModuleList(modules)

    def forward(self, x):
        return self.f(x, *self.parts)


def attention(x, qkv):
    """Attention written with einsum, as some timm/HF models do: bhqd,bhkd->bhqk and bhqk,bhkd->bhqd."""
    b, c, h, w = x.shape
    t = qkv(x.flatten(2).transpose(1, 2)).reshape(b, h * w, 3, 2, c // 2).permute(2, 0, 3, 1, 4)
    att = torch.einsum('bhqd,bhkd->bhqk', t[0], t[1]).softmax(-1)
    y = torch.einsum('bhqk,bhkd->bhqd', att, t[2])
    return torch.einsum('bhnd->bnhd', y).reshape(b, h, w, c).permute(0, 3, 1, 2)


def split_mix(x):
    a, b, c = torch.split(x, [2, 2, 4], dim=1)
    return torch.cat([a * b.sigmoid(), c.tanh(), b], 1)[:, :8]


def reductions(x):
    s = x.sum(dim=(2, 3), keepdim=True)
    m = x.amax(dim=1, keepdim=True)
    n = torch.norm(x, 2, 3, True)
    return x * s.sigmoid() + m - n


OP_NETS = {
    'op_einsum': lambda: OpNet(Lambda(attention, nn.Linear(8, 24))),
    'op_split': lambda: OpNet(Lambda(split_mix)),
    'op_reduce': lambda: OpNet(Lambda(reductions)),
    'op_groupnorm': lambda: OpNet(nn.GroupNorm(2, 8)),
    'op_instancenorm': lambda: OpNet(nn.InstanceNorm2d(8, affine=True)),
    'op_prelu': lambda: OpNet(nn.PReLU(8)),
    'op_selu': lambda: OpNet(nn.SELU()),
    'op_mish': lambda: OpNet(nn.Mish()),
    'op_roll': lambda: OpNet(Lambda(lambda x: torch.roll(x, shifts=(2, -3), dims=(2, 3)))),
}


def narrowed(make, factor):
    """Builds a torchvision model with every channel count divided by `factor` (RGB and the classes kept)."""
    keep = {3, CLASSES}
    f = lambda c: c if c in keep else max(1, c // factor)
    conv_init, bn_init, linear_init = nn.Conv2d.__init__, nn.BatchNorm2d.__init__, nn.Linear.__init__

    def conv(self, in_channels, out_channels, *args, groups=1, **kwargs):
        i, o = f(in_channels), f(out_channels)
        conv_init(self, i, o, *args, groups=math.gcd(groups, i, o), **kwargs)

    nn.Conv2d.__init__ = conv
    nn.BatchNorm2d.__init__ = lambda self, num_features, *a, **k: bn_init(self, f(num_features), *a, **k)
    nn.Linear.__init__ = lambda self, in_features, out_features, *a, **k: linear_init(self, f(in_features), f(out_features), *a, **k)
    try:
        return make()
    finally:
        nn.Conv2d.__init__, nn.BatchNorm2d.__init__, nn.Linear.__init__ = conv_init, bn_init, linear_init


def torchvision_families():
    import torchvision.models as tv
    from torchvision.models.convnext import CNBlockConfig

    n = dict(num_classes=CLASSES)
    return {
        # name: (builder, image size)
        'tv_resnet': (lambda: narrowed(lambda: tv.resnet18(**n), 32), 64),
        'tv_mobilenet_v2': (lambda: narrowed(lambda: tv.mobilenet_v2(**n), 16), 64),
        'tv_mobilenet_v3': (lambda: narrowed(lambda: tv.mobilenet_v3_small(**n), 8), 64),
        'tv_efficientnet_b0': (lambda: narrowed(lambda: tv.efficientnet_b0(**n), 16), 64),
        'tv_efficientnet_v2': (lambda: narrowed(lambda: tv.efficientnet_v2_s(**n), 32), 64),
        'tv_convnext': (lambda: tv.ConvNeXt([CNBlockConfig(8, 16, 1), CNBlockConfig(16, None, 2)], **n), 64),
        'tv_vit': (lambda: tv.VisionTransformer(32, 8, 2, 2, 16, 32, **n), 32),
        'tv_swin': (lambda: tv.SwinTransformer([4, 4], 8, [2, 2], [2, 2], [4, 4], **n), 56),
        'tv_regnet': (lambda: narrowed(lambda: tv.regnet_y_400mf(**n), 16), 64),
        'tv_densenet': (lambda: tv.DenseNet(8, (2, 2, 2, 2), 16, **n), 64),
        'tv_shufflenet': (lambda: narrowed(lambda: tv.shufflenet_v2_x0_5(**n), 8), 64),
        'tv_squeezenet': (lambda: narrowed(lambda: tv.squeezenet1_0(**n), 16), 64),
        'tv_mnasnet': (lambda: narrowed(lambda: tv.mnasnet0_5(**n), 4), 64),
        'tv_googlenet': (lambda: narrowed(lambda: tv.googlenet(init_weights=True, aux_logits=False, **n), 16), 64),
        'tv_inception_v3': (lambda: narrowed(lambda: tv.inception_v3(init_weights=True, aux_logits=False, **n), 16), 299),
    }


def randomise_family(model, generator):
    """Seeded He-uniform weights (the variance survives any depth), affine terms and batch-norm statistics off the identity."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            u = torch.rand(p.shape, generator=generator) * 2 - 1
            if p.dim() >= 2:
                p.copy_(u * math.sqrt(6 / p[0].numel()))
            else:
                p.copy_(1 + 0.5 * u if name.endswith('weight') else 0.2 * u)
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.rand(m.num_features, generator=generator) * 0.2 - 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=generator) + 0.5)


class Scaled(nn.Module):
    """Logits brought to unit spread (random weights leave them anywhere), so tolerances mean the same on every family."""

    def __init__(self, inner, x):
        super().__init__()
        self.inner = inner
        with torch.no_grad():
            self.scale = float(1 / inner(x).std())

    def forward(self, x):
        return self.inner(x) * self.scale


def hashed(count, seed):
    """Pseudo-random values in [0, 1) in steps of 1/256 from integer arithmetic, so testing.ts makes the same ones."""
    return [(((i * 2654435761 + seed * 40503) % 2**32) >> 24) / 256 for i in range(count)]


def logits_of(model, x):
    # The importer returns logits: compare with the input of a final softmax.
    return model.inner(x) if isinstance(model, WithSoftmax) else model(x)


def export(name, make, opset=17, batch=2, size=32, dynamic_batch=True, family=False):
    seed = sum(map(ord, name))
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = make().eval()
    randomise_family(model, generator) if family else randomise(model, generator)
    count = batch * 3 * size * size
    x = torch.tensor(hashed(count, seed), dtype=torch.float32).reshape(batch, 3, size, size)
    if family:
        model = Scaled(model, x).eval()
    path = os.path.join(OUT, f'{name}.onnx')
    kwargs = dict(input_names=['input'], output_names=['output'], opset_version=opset)
    if dynamic_batch:
        kwargs['dynamic_axes'] = {'input': {0: 'batch'}, 'output': {0: 'batch'}}
    if 'dynamo' in inspect.signature(torch.onnx.export).parameters:
        kwargs['dynamo'] = False  # the TorchScript exporter: what most published .onnx files come from
    torch.onnx.export(model, x, path, **kwargs)
    with torch.no_grad():
        logits = logits_of(model, x)
    weights = torch.rand(logits.shape, generator=generator) * 2 - 1
    direction = torch.tensor(hashed(count, seed + 1), dtype=torch.float32).reshape(x.shape) * 2 - 1
    model64 = model.double()
    t = torch.zeros((), dtype=torch.float64, requires_grad=True)
    combo = (logits_of(model64, x.double() + t * direction.double()) * weights.double()).sum()
    (derivative,) = torch.autograd.grad(combo, t)
    expected = {
        'source': f'PyTorch {torch.__version__}, scripts/onnx-fixtures/export_torch.py',
        'opset': opset,
        'inputDims': list(x.shape),
        'inputHash': seed,
        'logits': [float(v) for v in logits.flatten()],
        'gradientCheck': {'weights': [float(v) for v in weights.flatten()],
                          'h': 0, 'derivative': float(derivative)},
    }
    with open(os.path.join(OUT, f'{name}.json'), 'w') as f:
        json.dump(expected, f)
        f.write('\n')
    print(name, os.path.getsize(path), 'bytes')


if __name__ == '__main__':
    import sys
    only = set(sys.argv[1:])  # optional: export just these names
    os.makedirs(OUT, exist_ok=True)
    for name, make in NETS.items():
        if not only or name in only:
            export(name, make)
    for name, make in OP_NETS.items():
        if not only or name in only:
            export(name, make, opset=14, batch=2, size=16)
    if only:
        for name, (make, size) in torchvision_families().items():
            if name in only:
                export(name, make, opset=14, batch=1, size=size, family=True)
        sys.exit()
    # Older exporters' attribute forms (Squeeze/Unsqueeze/ReduceMean/Clip/Slice) and a fixed batch of 1.
    export('resnet_opset11', Residual, opset=11, batch=1, dynamic_batch=False)
    export('vit_opset13', TinyViT, opset=13, batch=1, dynamic_batch=False)
    # torchvision's families at torch's default opset (14 in torch 1.13), as a user exports them.
    # Swin v2 is left out: torch 1.13 cannot export it (aten::zero).
    for name, (make, size) in torchvision_families().items():
        export(name, make, opset=14, batch=1, size=size, family=True)
