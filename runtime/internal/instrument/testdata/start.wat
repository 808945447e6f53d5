;; wat2wasm start.wat -o start.wasm
;; A start function calling an imported function.
(module
  (import "env" "double" (func $double (param i32) (result i32)))
  (global $g (mut i32) (i32.const 0))
  (func $helper (result i32) (i32.const 21))
  (func $init
    (global.set $g (call $double (call $helper))))
  (start $init)
  (func (export "get") (result i32)
    (global.get $g))
)
