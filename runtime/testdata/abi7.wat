;; A reactor reporting ABI version 7.
;; Built with: wat2wasm --enable-all abi7.wat -o abi7.wasm (see gen.sh)
(module
  (memory (export "memory") 1)
  (func (export "weft_abi_version") (result i32) i32.const 7)
  (func (export "weft_alloc") (param i32) (result i32) i32.const 1024)
  (func (export "weft_run") (param i32 i32) (result i64) i64.const 0))
