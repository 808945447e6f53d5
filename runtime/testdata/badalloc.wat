;; A reactor whose weft_alloc returns a pointer past the end of its memory.
;; Built with: wat2wasm --enable-all badalloc.wat -o badalloc.wasm (see gen.sh)
(module
  (memory (export "memory") 1)
  (func (export "weft_abi_version") (result i32) i32.const 1)
  (func (export "weft_alloc") (param i32) (result i32) i32.const 0xfffffff0)
  (func (export "weft_run") (param i32 i32) (result i64) i64.const 0))
