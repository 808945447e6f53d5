;; A reactor whose weft_run recurses without end.
;; Built with: wat2wasm --enable-all recurse.wat -o recurse.wasm (see gen.sh)
(module
  (memory (export "memory") 1)
  (func (export "weft_abi_version") (result i32) i32.const 1)
  (func (export "weft_alloc") (param i32) (result i32) i32.const 1024)
  (func $down (param i32) (result i32) (i32.add (call $down (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "weft_run") (param i32 i32) (result i64)
    (i64.extend_i32_u (call $down (i32.const 0)))))
