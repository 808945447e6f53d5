;; wat2wasm importglobal.wat -o importglobal.wasm
;; Imported globals come first in the global index space.
(module
  (import "env" "base" (global $base i32))
  (import "env" "counter" (global $counter (mut i32)))
  (global $x (mut i32) (global.get $base))
  (global $y i32 (i32.const 7))
  (global $z (mut i64) (i64.const 0))
  (func (export "x") (result i32) (global.get $x))
)
