;; out[i] = dy[i] where 0 < y[i] < top, else +0, for i < n: the ReLU/ReLU6 gradient mask of
;; reluMask.ts as one SIMD pass over tfjs' wasm heap (y, dy, out are byte offsets into it).
;; wasmReluMask.ts embeds this compiled with `wat2wasm wasmReluMask.wat` (wabt); the test checks
;; that the bytes match when wat2wasm is installed.
(module
  (import "env" "memory" (memory 1 65536))
  (func (export "mask") (param $y i32) (param $dy i32) (param $out i32) (param $n i32) (param $top f32)
    (local $i i32) (local $vecEnd i32) (local $end i32) (local $t v128) (local $v v128) (local $s f32)
    (local.set $t (f32x4.splat (local.get $top)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $end) (i32.const -16)))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $i) (local.get $vecEnd)))
        (local.set $v (v128.load (i32.add (local.get $y) (local.get $i))))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (v128.and
            (v128.load (i32.add (local.get $dy) (local.get $i)))
            (v128.and
              (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0))
              (f32x4.lt (local.get $v) (local.get $t)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $s (f32.load (i32.add (local.get $y) (local.get $i))))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (select
            (f32.load (i32.add (local.get $dy) (local.get $i)))
            (f32.const 0)
            (i32.and
              (f32.gt (local.get $s) (f32.const 0))
              (f32.lt (local.get $s) (local.get $top)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail)))))
