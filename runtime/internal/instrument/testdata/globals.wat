;; wat2wasm globals.wat -o globals.wasm
;; Mutable and immutable globals, one already exported.
(module
  (global $a (mut i32) (i32.const 1))
  (global $b i64 (i64.const 2))
  (global $c (export "c") (mut f64) (f64.const 3.5))
  (global $d (mut i64) (i64.const 5))
  (func (export "bump") (result i32)
    (global.set $a (i32.add (global.get $a) (i32.const 1)))
    (global.set $d (i64.add (global.get $d) (i64.const 10)))
    (global.get $a))
)
