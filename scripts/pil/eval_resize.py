"""PIL reference for AlignScope's crop-and-resize (src/core/image/resize.pil.test.ts drives it).

Reads a JSON list of cases on stdin, each {"source": {...}, "size", "interpolation", "crop_pct"}, and
writes one JSON list: per case the source's 8-bit pixels and the model input as timm's eval transform
makes it from a PIL image (torchvision Resize(floor(size / crop_pct)) on the shorter side, then
CenterCrop(size); Debian's torchvision is not needed, the two steps are written out below as
torchvision 0.14 computes them). Pixels travel as base64 of row-major uint8 (RGB or L).

A source is {"file": path} (a photo), optionally {"resize": [w, h]} (a generated size, made with
NEAREST so no filter of the code under test is involved) and {"mode": "L"} (a one-channel map).
"""
import base64
import json
import math
import sys

from PIL import Image

FILTERS = {"bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC}


def source_image(spec):
    img = Image.open(spec["file"]).convert(spec.get("mode", "RGB"))
    if "resize" in spec:
        img = img.resize(tuple(spec["resize"]), Image.NEAREST)
    return img


def timm_eval(img, size, interpolation, crop_pct):
    scale_size = math.floor(size / crop_pct)
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = scale_size, int(scale_size * long / short)
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    if (new_w, new_h) != (w, h):
        img = img.resize((new_w, new_h), FILTERS[interpolation])
    # CenterCrop: pad with black where the picture is smaller, then crop at round((dim - size) / 2).
    if new_w < size or new_h < size:
        padded = Image.new(img.mode, (max(new_w, size), max(new_h, size)))
        padded.paste(img, ((size - new_w) // 2 if new_w < size else 0, (size - new_h) // 2 if new_h < size else 0))
        img = padded
    w, h = img.size
    top, left = int(round((h - size) / 2.0)), int(round((w - size) / 2.0))
    return img.crop((left, top, left + size, top + size))


def b64(img):
    return base64.b64encode(img.tobytes()).decode("ascii")


def main():
    out = []
    for case in json.load(sys.stdin):
        src = source_image(case["source"])
        res = timm_eval(src, case["size"], case["interpolation"], case["crop_pct"])
        out.append({
            "width": src.size[0], "height": src.size[1], "channels": len(src.getbands()),
            "source": b64(src), "expected": b64(res),
        })
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
