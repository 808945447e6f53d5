;; A reactor that passes weft_v1.log a range outside its memory.
;; Built with: wat2wasm --enable-all badlog.wat -o badlog.wasm (see gen.sh)
(module
  (import "weft_v1" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (func (export "weft_abi_version") (result i32) i32.const 1)
  (func (export "weft_alloc") (param i32) (result i32) i32.const 1024)
  (func (export "weft_run") (param i32 i32) (result i64)
    (call $log (i32.const 1) (i32.const 65000) (i32.const 100000))
    i64.const 0))
