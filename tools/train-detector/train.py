#!/usr/bin/env python3
"""Trains the project's panel detector on synthetic compound figures and exports it to ONNX.

  nice -n 10 python3 tools/train-detector/train.py --data .tmp/synth --out models/panel-detector \
      --steps 3000 --threads 1 --seed 1

Model: a small CNN (stride-64 context, top-down merge to stride 8) with an anchor-free single-level head
(FCOS-style ltrb distances + a score trained against the FCOS centre-ness target with a quality focal loss, GIoU
box loss). Input: 384x384 letterbox (aspect kept, centred, grey 114 padding, RGB / 255), exactly as
packages/pipeline/src/detect/onnx/letterbox.ts prepares it. The ONNX output is [N, 5, 48*48] rows of
cx, cy, w, h (input pixels) and score, the YOLOv8 layout OnnxDetector already decodes.

Continuing a run: --checkpoint PATH saves model, optimizer, schedule and RNG state every 50 steps and at the end;
--resume PATH continues that run on to --steps with the same schedule. A run without a checkpoint can be fine-tuned
from its exported ONNX with --init-onnx (the export folds BatchNorm into the convs; it is re-derived from one
calibration batch, so eval output equals the ONNX exactly), with a fresh optimizer and warm-up + cosine schedule:

  nice -n 10 python3 tools/train-detector/train.py --data .tmp/synth --out .tmp/next --width 0.75 --steps 1251 \
      --lr 1e-3 --seed 2 --init-onnx models/panel-detector/panel-detector.onnx --checkpoint .tmp/next/checkpoint.pt

Uses CUDA when available, else CPU (torch.set_num_threads(--threads)). Nothing is downloaded; no pretrained
weights. Data: tools/train-detector/generate.ts writes <data>/labels.jsonl and <data>/images/*.jpg.
"""
import argparse
import json
import math
import os
import random
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

STRIDE = 8


def cbr(i, o, s=1):
    return nn.Sequential(nn.Conv2d(i, o, 3, s, 1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True))


class PanelNet(nn.Module):
    def __init__(self, width=1.0):
        super().__init__()
        c = [int(v * width) for v in (16, 32, 48, 64, 96, 96)]
        f = int(64 * width)
        self.stem = cbr(3, c[0], 2)                                  # /2
        self.s4 = nn.Sequential(cbr(c[0], c[1], 2))                  # /4
        self.s8 = nn.Sequential(cbr(c[1], c[2], 2), cbr(c[2], c[2]))  # /8
        self.s16 = nn.Sequential(cbr(c[2], c[3], 2), cbr(c[3], c[3]))
        self.s32 = nn.Sequential(cbr(c[3], c[4], 2), cbr(c[4], c[4]))
        self.s64 = nn.Sequential(cbr(c[4], c[5], 2), cbr(c[5], c[5]), cbr(c[5], c[5]))
        self.l8 = nn.Conv2d(c[2], f, 1)
        self.l16 = nn.Conv2d(c[3], f, 1)
        self.l32 = nn.Conv2d(c[4], f, 1)
        self.l64 = nn.Conv2d(c[5], f, 1)
        self.m16 = cbr(f, f)
        self.m8 = cbr(f, f)
        self.head = cbr(f, f)
        self.cls = nn.Conv2d(f, 1, 1)
        self.reg = nn.Conv2d(f, 4, 1)
        nn.init.constant_(self.cls.bias, -4.0)
        nn.init.constant_(self.reg.bias, 2.0)

    def forward(self, x):
        x = self.stem(x)
        x = self.s4(x)
        x8 = self.s8(x)
        x16 = self.s16(x8)
        x32 = self.s32(x16)
        x64 = self.s64(x32)
        p = self.l64(x64)
        p = self.l32(x32) + F.interpolate(p, size=x32.shape[-2:], mode='nearest')
        p = self.m16(self.l16(x16) + F.interpolate(p, size=x16.shape[-2:], mode='nearest'))
        p = self.m8(self.l8(x8) + F.interpolate(p, size=x8.shape[-2:], mode='nearest'))
        h = self.head(p)
        # Distances left, top, right, bottom in input pixels (exp of a clamped log, times the stride).
        dist = torch.exp(self.reg(h).clamp(-4.0, 6.0)) * STRIDE
        return self.cls(h), dist


class Exported(nn.Module):
    """[N, 5, H*W]: cx, cy, w, h (input pixels), score — the YOLOv8 layout."""

    def __init__(self, net, size):
        super().__init__()
        self.net = net
        g = size // STRIDE
        ys, xs = torch.meshgrid(torch.arange(g), torch.arange(g), indexing='ij')
        self.register_buffer('px', ((xs.reshape(-1).float() + 0.5) * STRIDE).view(1, -1))
        self.register_buffer('py', ((ys.reshape(-1).float() + 0.5) * STRIDE).view(1, -1))

    def forward(self, x):
        logits, dist = self.net(x)
        n = x.shape[0]
        d = dist.reshape(n, 4, -1)
        x1 = self.px - d[:, 0]
        y1 = self.py - d[:, 1]
        x2 = self.px + d[:, 2]
        y2 = self.py + d[:, 3]
        score = torch.sigmoid(logits.reshape(n, -1))
        return torch.stack([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1, score], dim=1)


def letterbox(img, size):
    """PIL image -> (uint8 HWC array size x size, scale, padX, padY), centred, padding 114 (as letterbox.ts)."""
    w, h = img.size
    s = min(size / w, size / h)
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    px, py = (size - nw) // 2, (size - nh) // 2
    canvas = np.full((size, size, 3), 114, np.uint8)
    canvas[py:py + nh, px:px + nw] = np.asarray(img.convert('RGB').resize((nw, nh), Image.BILINEAR))
    return canvas, s, px, py


def load(data, size, limit=None):
    rows = [json.loads(l) for l in open(os.path.join(data, 'labels.jsonl'))]
    if limit:
        rows = rows[:limit]
    images = np.zeros((len(rows), size, size, 3), np.uint8)
    boxes = []
    for i, r in enumerate(rows):
        arr, s, px, py = letterbox(Image.open(os.path.join(data, r['file'])), size)
        images[i] = arr
        b = np.array(r['boxes'], np.float32).reshape(-1, 4) * s
        b[:, [0, 2]] += px
        b[:, [1, 3]] += py
        boxes.append(b)
    return images, boxes, rows


def augment(img, b, size, rnd):
    """Random shrink + placement (the figure not centred, smaller in the input), grey/inversion-free colour jitter."""
    img = img.float()
    if rnd.random() < 0.5:
        s = rnd.uniform(0.5, 1.0)
        ns = max(16, int(size * s))
        small = F.interpolate(img[None], size=(ns, ns), mode='bilinear', align_corners=False)[0]
        ox, oy = rnd.randint(0, size - ns), rnd.randint(0, size - ns)
        out = torch.full_like(img, 114.0)
        out[:, oy:oy + ns, ox:ox + ns] = small
        img = out
        b = b * (ns / size)
        b[:, [0, 2]] += ox
        b[:, [1, 3]] += oy
    if rnd.random() < 0.2:
        img = img.mean(0, keepdim=True).expand(3, -1, -1).clone()
    if rnd.random() < 0.3:
        img = (img * rnd.uniform(0.8, 1.1) + rnd.uniform(-15, 15)).clamp(0, 255)
    return img, b


def targets(boxes, g, device):
    """Per location: assigned box (smallest containing it), centre-ness target (0 outside every box)."""
    n = len(boxes)
    ys, xs = torch.meshgrid(torch.arange(g, device=device), torch.arange(g, device=device), indexing='ij')
    px = (xs.reshape(-1).float() + 0.5) * STRIDE
    py = (ys.reshape(-1).float() + 0.5) * STRIDE
    tbox = torch.zeros(n, g * g, 4, device=device)
    tctr = torch.zeros(n, g * g, device=device)
    for i, b in enumerate(boxes):
        if len(b) == 0:
            continue
        b = b.to(device)
        l = px[:, None] - b[None, :, 0]
        t = py[:, None] - b[None, :, 1]
        r = b[None, :, 2] - px[:, None]
        bo = b[None, :, 3] - py[:, None]
        inside = torch.stack([l, t, r, bo], -1).min(-1).values > 0
        area = ((b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]))[None].expand_as(l).clone()
        area[~inside] = float('inf')
        best = area.argmin(1)
        has = torch.isfinite(area.min(1).values)
        # Boxes too small to hold a location centre: the location nearest their centre takes them.
        cx = (b[:, 0] + b[:, 2]) / 2
        cy = (b[:, 1] + b[:, 3]) / 2
        for k in range(len(b)):
            if not bool((inside[:, k] & (best == k)).any()):
                j = int(((px - cx[k]).abs() + (py - cy[k]).abs()).argmin())
                best[j] = k
                has[j] = True
        sel = b[best]
        tbox[i] = sel
        ll, tt = px - sel[:, 0], py - sel[:, 1]
        rr, bb = sel[:, 2] - px, sel[:, 3] - py
        ll, tt, rr, bb = [v.clamp(min=1e-3) for v in (ll, tt, rr, bb)]
        c = torch.sqrt((torch.minimum(ll, rr) / torch.maximum(ll, rr)) * (torch.minimum(tt, bb) / torch.maximum(tt, bb)))
        tctr[i] = torch.where(has, c.clamp(min=0.05), torch.zeros_like(c))
    return px, py, tbox, tctr


def giou(a, b):
    ix1, iy1 = torch.maximum(a[:, 0], b[:, 0]), torch.maximum(a[:, 1], b[:, 1])
    ix2, iy2 = torch.minimum(a[:, 2], b[:, 2]), torch.minimum(a[:, 3], b[:, 3])
    inter = (ix2 - ix1).clamp(min=0) * (iy2 - iy1).clamp(min=0)
    aa = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    ab = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = aa + ab - inter + 1e-6
    cx1, cy1 = torch.minimum(a[:, 0], b[:, 0]), torch.minimum(a[:, 1], b[:, 1])
    cx2, cy2 = torch.maximum(a[:, 2], b[:, 2]), torch.maximum(a[:, 3], b[:, 3])
    carea = (cx2 - cx1) * (cy2 - cy1) + 1e-6
    return inter / union - (carea - union) / carea


def loss_fn(logits, dist, boxes, g):
    n = logits.shape[0]
    px, py, tbox, tctr = targets(boxes, g, logits.device)
    p = logits.reshape(n, -1)
    d = dist.reshape(n, 4, -1).permute(0, 2, 1)
    s = torch.sigmoid(p)
    # Quality focal loss: BCE against the soft centre-ness target, weighted by |s - t|^2.
    qfl = (F.binary_cross_entropy_with_logits(p, tctr, reduction='none') * (s - tctr).abs().pow(2)).sum()
    pos = tctr > 0
    norm = max(1.0, float(pos.sum()))
    pb = torch.stack([px[None] - d[..., 0], py[None] - d[..., 1], px[None] + d[..., 2], py[None] + d[..., 3]], -1)
    w = tctr[pos]
    gl = ((1 - giou(pb[pos], tbox[pos])) * w).sum() / max(1e-6, float(w.sum()))
    return qfl / norm + 2.0 * gl, qfl / norm, gl


def nms(boxes, scores, thr):
    order = np.argsort(-scores)
    keep = []
    while len(order):
        i = order[0]
        keep.append(i)
        rest = order[1:]
        if not len(rest):
            break
        a, b = boxes[i], boxes[rest]
        ix = np.clip(np.minimum(a[2], b[:, 2]) - np.maximum(a[0], b[:, 0]), 0, None)
        iy = np.clip(np.minimum(a[3], b[:, 3]) - np.maximum(a[1], b[:, 1]), 0, None)
        inter = ix * iy
        u = (a[2] - a[0]) * (a[3] - a[1]) + (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]) - inter
        order = rest[inter / np.maximum(u, 1e-6) <= thr]
    return keep


def iou1(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    u = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / max(u, 1e-6)


def evaluate(model, images, boxes, size, device, conf=0.25):
    exp = Exported(model, size).to(device).eval()
    tp = fp = fn = 0
    with torch.no_grad():
        for s in range(0, len(images), 32):
            x = torch.from_numpy(images[s:s + 32]).to(device).permute(0, 3, 1, 2).float() / 255
            out = exp(x).cpu().numpy()
            for k in range(out.shape[0]):
                o = out[k]
                m = o[4] >= conf
                cx, cy, w, h, sc = o[0][m], o[1][m], o[2][m], o[3][m], o[4][m]
                pb = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1)
                pb = pb[nms(pb, sc, 0.45)] if len(pb) else pb
                gt = boxes[s + k]
                pairs = sorted(((iou1(p, t), i, j) for i, p in enumerate(pb) for j, t in enumerate(gt)), reverse=True)
                up, ut = set(), set()
                for v, i, j in pairs:
                    if v < 0.5:
                        break
                    if i in up or j in ut:
                        continue
                    up.add(i)
                    ut.add(j)
                tp += len(up)
                fp += len(pb) - len(up)
                fn += len(gt) - len(ut)
    model.train()
    return 2 * tp / max(1, 2 * tp + fp + fn), tp, fp, fn


def init_from_onnx(model, onnx_path, images, device):
    """Loads an exported panel-detector.onnx into a PanelNet: the export folds each BatchNorm into its conv, so the
    folded conv weights are kept and each BatchNorm is set from the conv's per-channel output mean m and std s on a
    calibration batch (running stats m, s^2; gamma s, beta folded bias + m). Eval mode then equals the ONNX model
    exactly, and train-mode batch statistics start close to the running ones. The optimizer starts fresh."""
    import onnx
    from onnx import numpy_helper
    g = onnx.load(onnx_path).graph
    init = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    convs = [(init[n.input[1]], init[n.input[2]] if len(n.input) > 2 else None) for n in g.node if n.op_type == 'Conv']
    order = []
    hooks = [m.register_forward_hook(lambda mod, i, o: order.append(mod)) for m in model.modules() if isinstance(m, nn.Conv2d)]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, 64, 64, device=device))
    for h in hooks:
        h.remove()
    assert len(order) == len(convs), (len(order), len(convs))
    bn_of = {}
    for m in model.modules():
        if isinstance(m, nn.Sequential) and len(m) == 3 and isinstance(m[0], nn.Conv2d) and isinstance(m[1], nn.BatchNorm2d):
            bn_of[m[0]] = m[1]
    with torch.no_grad():
        for conv, (w, b) in zip(order, convs):
            assert tuple(conv.weight.shape) == w.shape, (conv, w.shape)
            conv.weight.copy_(torch.from_numpy(np.array(w)))
            bn = bn_of.get(conv)
            if bn is None:
                conv.bias.copy_(torch.from_numpy(np.array(b)))
            else:  # identity BatchNorm carrying the folded bias: eval output equals the ONNX graph
                bn.weight.fill_(1.0)
                bn.bias.copy_(torch.from_numpy(np.array(b)))
                bn.running_mean.zero_()
                bn.running_var.fill_(1.0 - bn.eps)
        stats = {}
        hooks = [c.register_forward_hook(lambda mod, i, o: stats.__setitem__(mod, (o.mean((0, 2, 3)), o.std((0, 2, 3)).clamp(min=1e-3))))
                 for c in bn_of]
        x = torch.from_numpy(images[:64]).to(device).permute(0, 3, 1, 2).float() / 255
        model(x)
        for h in hooks:
            h.remove()
        for conv, bn in bn_of.items():
            m, s = stats[conv]
            bn.running_mean.copy_(m)
            bn.running_var.copy_(s * s - bn.eps)
            bn.bias.add_(m)
            bn.weight.copy_(s)
    model.train()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default='.tmp/synth')
    ap.add_argument('--out', default='models/panel-detector')
    ap.add_argument('--size', type=int, default=384)
    ap.add_argument('--steps', type=int, default=3000)
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--width', type=float, default=1.0)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--limit', type=int, default=None, help='use only the first N figures')
    ap.add_argument('--holdout', type=int, default=200, help='last N figures: synthetic validation, not trained on')
    ap.add_argument('--time-limit', type=float, default=None, help='stop after this many seconds of training')
    ap.add_argument('--cpu', action='store_true')
    ap.add_argument('--checkpoint', default=None, help='save model, optimizer, schedule and RNG state here every 50 steps and at the end')
    ap.add_argument('--resume', default=None, help='continue a run from its --checkpoint file (same settings; runs on to --steps)')
    ap.add_argument('--init-onnx', default=None, help='start from an exported panel-detector.onnx (BatchNorm re-derived, fresh optimizer and schedule)')
    ap.add_argument('--onnx-name', default='panel-detector.onnx', help='file name of the exported model inside --out')
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    device = torch.device('cuda' if torch.cuda.is_available() and not args.cpu else 'cpu')
    t0 = time.time()
    images, boxes, rows = load(args.data, args.size, args.limit)
    hold = min(args.holdout, len(images) // 5)
    tr_images, tr_boxes = images[:len(images) - hold], boxes[:len(images) - hold]
    va_images, va_boxes = images[len(images) - hold:], boxes[len(images) - hold:]
    print(f'loaded {len(images)} figures ({len(tr_images)} train, {hold} held out) in {time.time() - t0:.1f} s on {device}', flush=True)
    tr_tensor = torch.from_numpy(tr_images).permute(0, 3, 1, 2)  # uint8 NCHW, shared

    model = PanelNet(args.width).to(device)
    if args.init_onnx:
        init_from_onnx(model, args.init_onnx, tr_images, device)
        f1, tp, fp, fn = evaluate(model, va_images, va_boxes, args.size, device)
        print(f'initialised from {args.init_onnx}: held-out synthetic F1@0.5 {f1:.3f} (tp {tp} fp {fp} fn {fn})', flush=True)
    print(f'parameters: {sum(p.numel() for p in model.parameters()) / 1e6:.3f} M', flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    warm = max(1, min(200, args.steps // 10))
    # Warm-up, then cosine decay over the run's progress: steps done / --steps, or time spent / --time-limit when
    # that is further along (so a time-limited CPU run still ends at a low learning rate).
    progress = {'t': 0.0}

    def lr_at(s):
        p = max(s / args.steps, progress['t'])
        return min(1.0, (s + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(1.0, p)))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_at)
    rnd = random.Random(args.seed)
    g = args.size // STRIDE
    start = 0
    prior_s = 0.0
    if args.resume:
        ck = torch.load(args.resume, map_location=device)
        model.load_state_dict(ck['model'])
        opt.load_state_dict(ck['opt'])
        sched.load_state_dict(ck['sched'])
        rnd.setstate(ck['rnd'])
        torch.set_rng_state(ck['torch_rng'])
        progress['t'] = ck['progress']
        start, prior_s = ck['step'] + 1, ck['train_seconds']
        print(f'resumed {args.resume} after step {ck["step"]} ({prior_s:.0f} s trained)', flush=True)

    def save_checkpoint(s, el):
        if args.checkpoint:
            torch.save({'model': model.state_dict(), 'opt': opt.state_dict(), 'sched': sched.state_dict(), 'rnd': rnd.getstate(),
                        'torch_rng': torch.get_rng_state(), 'progress': progress['t'], 'step': s, 'train_seconds': el},
                       args.checkpoint + '.tmp')
            os.replace(args.checkpoint + '.tmp', args.checkpoint)

    t1 = time.time() - prior_s
    step = start - 1
    for step in range(start, args.steps):
        idx = [rnd.randrange(len(tr_images)) for _ in range(args.batch)]
        xs, bs = [], []
        for i in idx:
            x, b = augment(tr_tensor[i], torch.from_numpy(tr_boxes[i]).clone(), args.size, rnd)
            xs.append(x)
            bs.append(b)
        x = torch.stack(xs).to(device) / 255
        logits, dist = model(x)
        loss, lq, lg = loss_fn(logits, dist, bs, g)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()
        if args.time_limit:
            progress['t'] = (time.time() - t1) / args.time_limit
        sched.step()
        if step % 50 == 0 or step == args.steps - 1:
            el = time.time() - t1
            print(f'step {step} loss {loss.item():.3f} (qfl {lq.item():.3f} giou {lg.item():.3f}) lr {sched.get_last_lr()[0]:.2e} {el:.0f} s ({el / (step + 1):.2f} s/step)', flush=True)
            save_checkpoint(step, el)
        if args.time_limit and progress['t'] >= 1.0:
            print(f'time limit reached at step {step}', flush=True)
            break
    train_s = time.time() - t1
    save_checkpoint(step, train_s)
    f1, tp, fp, fn = evaluate(model, va_images, va_boxes, args.size, device)
    print(f'held-out synthetic ({hold} figures): F1@0.5 {f1:.3f} (tp {tp} fp {fp} fn {fn}); trained {step + 1} steps in {train_s:.0f} s', flush=True)

    os.makedirs(args.out, exist_ok=True)
    model.eval().cpu()
    torch.save(model.state_dict(), os.path.join(args.out, 'weights.pt.tmp'))
    exp = Exported(model, args.size).eval()
    onnx_path = os.path.join(args.out, args.onnx_name)
    torch.onnx.export(exp, torch.zeros(1, 3, args.size, args.size), onnx_path, opset_version=13,
                      input_names=['images'], output_names=['output0'],
                      dynamic_axes={'images': {0: 'batch'}, 'output0': {0: 'batch'}})
    os.remove(os.path.join(args.out, 'weights.pt.tmp'))
    info = {'steps': step + 1, 'batch': args.batch, 'size': args.size, 'width': args.width, 'seed': args.seed, 'lr': args.lr,
            'train_figures': len(tr_images), 'holdout_figures': hold, 'train_seconds': round(train_s), 'device': str(device),
            'threads': args.threads, 'holdout_f1': round(f1, 4), 'holdout_tp_fp_fn': [tp, fp, fn], 'torch': torch.__version__}
    if args.init_onnx:
        info['init_onnx'] = args.init_onnx
    if args.resume:
        info['resumed_from'] = args.resume
    with open(os.path.join(args.out, 'training.json'), 'w') as fh:
        json.dump(info, fh, indent=2)
    print(f'exported {onnx_path} ({os.path.getsize(onnx_path) / 1e6:.2f} MB)', flush=True)


if __name__ == '__main__':
    main()
