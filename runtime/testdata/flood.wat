;; A reactor that calls weft_v1.log without end.
;; Built with: wat2wasm --enable-all flood.wat -o flood.wasm (see gen.sh)
(module
  (import "weft_v1" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "again")
  (func (export "weft_abi_version") (result i32) i32.const 1)
  (func (export "weft_alloc") (param i32) (result i32) i32.const 1024)
  (func (export "weft_run") (param i32 i32) (result i64)
    (loop $more (call $log (i32.const 0) (i32.const 0) (i32.const 5)) (br $more))
    i64.const 0))
